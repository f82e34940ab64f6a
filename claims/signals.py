"""What intake tells the rest of the service; claims itself knows no receiver."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by extraction inside its transaction once an article's claims are stored, with
# `claims` (the saved Claim rows) and `seen_at` (when the article says they were made).
# A receiver that fails rolls the extraction back with it: the claims are stored and handed
# on together or not at all.
claims_stored = Signal()
