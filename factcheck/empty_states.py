"""What an empty list in the desk says: what goes there and what to do next.

A model admin may define `empty_state(changelist) -> EmptyState | None`; the theme's empty
list (`factcheck/templates/unfold/helpers/empty_results.html`) shows it, or else says plainly
whether nothing exists yet or nothing matches the filters.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, ChangeList


@dataclass(frozen=True)
class EmptyState:
    title: str
    text: str
    # (label, address) of the next steps, shown as buttons beside the theme's own.
    links: tuple[tuple[str, str], ...] = ()


def is_filtered(changelist: ChangeList) -> bool:
    """Whether a search or a filter narrows the list (ordering and paging do not)."""
    return bool(changelist.query) or any(
        name not in (ORDER_VAR, PAGE_VAR) for name in changelist.params
    )


def empty_state_for(changelist: ChangeList) -> EmptyState:
    """The model admin's own empty state, else a plain one."""
    own = getattr(changelist.model_admin, "empty_state", None)
    state = own(changelist) if own is not None else None
    if state is not None:
        return state
    plural = changelist.opts.verbose_name_plural
    if is_filtered(changelist):
        return EmptyState(
            f"No {plural} match",
            "Nothing here matches the search or the filters: try other words, or reset the "
            "filters.",
        )
    return EmptyState(f"No {plural} yet", f"{str(plural).capitalize()} are listed here.")
