"""The subject of a speech verb, read backwards (or, after the verb, forwards) over its
sentence's tokens: the `Subject` every reader in this package returns. `clauses` finds the
subject before a verb, `inverted` the one after it; `phrase`, `descriptions`, `runs` and
`fillers` are the pieces they read a subject with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Subject:
    kind: str  # "name", "pronoun", "role", "unnamed", ""
    words: tuple[str, ...] = ()
    start: int = -1  # character offset in the document
    quals: frozenset[str] = frozenset()
    role: str = ""


NO_SUBJECT = Subject("")
