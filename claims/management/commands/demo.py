from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from claims import services
from claims.models import Article
from claims.services.files import article_ingest_file, expand_paths
from reviews.models import ReviewItem
from reviews.services import demo_accounts_ensure

DEMO_ARTICLES = Path(__file__).resolve().parents[2] / "demo_articles"


class Command(BaseCommand):
    help = "Load the demo articles through the real pipeline and create the demo accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password", help="password for the demo accounts (a random one when omitted)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or secrets.token_urlsafe(12)
        for path in expand_paths([DEMO_ARTICLES]):
            for received in article_ingest_file(path=path):
                # Extract here, so the demo works whether or not a worker is running;
                # if a worker got there first this changes nothing.
                services.article_extract(article_id=received.article.pk)
        usernames = demo_accounts_ensure(password=password)
        from django.contrib.auth import get_user_model

        from reviews.services import review_take_next

        # One claim in review, so the desk shows a claim being worked on.
        if not ReviewItem.objects.filter(status=ReviewItem.Status.IN_REVIEW).exists():
            review_take_next(user=get_user_model().objects.get(username="reviewer"))
        extracted = Article.objects.filter(status=Article.Status.EXTRACTED).count()
        queued = ReviewItem.objects.filter(status=ReviewItem.Status.PENDING).count()
        self.stdout.write(f"{extracted} articles extracted, {queued} claims in the review queue.")
        self.stdout.write(f"Demo accounts: {', '.join(usernames)}; password: {password}")
