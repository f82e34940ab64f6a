"""`{% empty_state cl as state %}`: what an empty admin list says (factcheck.empty_states)."""

from __future__ import annotations

from django import template
from django.contrib.admin.views.main import ChangeList

from factcheck.empty_states import EmptyState, empty_state_for, is_filtered

register = template.Library()


@register.simple_tag
def empty_state(changelist: ChangeList) -> EmptyState:
    return empty_state_for(changelist)


@register.simple_tag
def list_is_filtered(changelist: ChangeList) -> bool:
    return is_filtered(changelist)
