from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.services.tokens import TokenError, api_token_create


class Command(BaseCommand):
    help = "Create an API token; its key is printed on the last line, once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="who uses the token, e.g. 'cms-production'")
        parser.add_argument(
            "--scopes",
            default="read",
            help="comma-separated: read, submit, search (default: read)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            token, key = api_token_create(name=options["name"], scopes=options["scopes"].split(","))
        except TokenError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Token {token.name!r} with scopes {', '.join(token.scopes)}:")
        self.stdout.write(key)
