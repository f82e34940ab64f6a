from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from claims.models import ApiToken
from reviews.management.commands.demo import DEMO_CREDENTIALS, DEMO_TOKEN, credentials_read


class Command(BaseCommand):
    help = "Print the demo's API key, as `demo` printed it (for scripts and the README's tour)."

    def handle(self, *args: Any, **options: Any) -> None:
        key = credentials_read(DEMO_CREDENTIALS).get("key", "")
        token = ApiToken.objects.filter(name=DEMO_TOKEN, active=True).first()
        if not key or token is None or token.key_hash != ApiToken.hash_key(key):
            raise CommandError("No demo token here: run `make demo` (or `manage.py demo`) first.")
        self.stdout.write(key)
