from __future__ import annotations

import contextlib
import json
import logging
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from claims import services
from claims.models import ApiToken, Article, Claim
from claims.pipeline.inputs import guess_format
from claims.services.files import expand_paths
from claims.services.tokens import api_token_create, api_token_rotate
from factcheck.environment import VAR_DIR
from reviews.models import EvidenceSource, ReviewItem
from reviews.rendering import absolute_url
from reviews.selectors import CHECKED
from reviews.services import publishing
from reviews.services.queue import demo_accounts_ensure, review_take, review_take_next
from reviews.workflow import TransitionError

DEMO_TOKEN = "demo"
DEMO_SITE = "https://news.example.org/demo/"
DEMO_ARTICLES = Path(__file__).resolve().parents[2] / "demo_articles"
# The password and token key the demo printed, so a second run prints (and keeps) the same ones;
# only the key's hash is in the database, and a password cannot be read back from its hash.
DEMO_CREDENTIALS = VAR_DIR / "demo-credentials.json"
# How long before the demo runs each demo article reached the desk. Its claims are queued then
# and the demo's fact-checks published as it runs, so the start page's "Queued to published"
# reads as a desk's would (hours, a different wait for each), not the seconds the demo takes.
ARRIVED_AGO = {
    "01-riverton-budget": timedelta(hours=26, minutes=10),
    "02-clinic-waiting-times": timedelta(hours=7, minutes=40),
    "03-stadium-costs": timedelta(hours=3, minutes=15),
    "04-energy-prices": timedelta(hours=49, minutes=30),
}


@dataclass(frozen=True)
class DemoSource:
    url: str
    title: str
    publisher: str
    stance: str
    quote: str


@dataclass(frozen=True)
class DemoFactCheck:
    claim_contains: str
    rating: str
    explanation: str
    summary: str
    sources: tuple[DemoSource, ...]


# Written for the claims in `demo_articles/`; the sources are placeholders on example.org.
FACT_CHECKS = (
    DemoFactCheck(
        claim_contains="the stadium would create 4,000 permanent jobs",
        rating="mostly_false",
        explanation=(
            "Stadiums of this size typically create fewer than 600 permanent jobs; 4,000 is "
            "several times anything seen in comparable cities."
        ),
        summary=(
            "Harbor Point Group's chief executive Marcus Lee said the proposed stadium would "
            "create 4,000 permanent jobs. The Coastal Policy Institute's analysis of the plan "
            "found that stadiums of this size typically create fewer than 600 permanent jobs, "
            "and its lead economist called the developer's figures three to six times higher "
            "than in comparable cities. The developer has not published how it arrived at its "
            "number."
        ),
        sources=(
            DemoSource(
                url="https://example.org/coastal-policy-institute/harbor-point-stadium",
                title="Harbor Point stadium: tax breaks and jobs",
                publisher="Coastal Policy Institute",
                stance=EvidenceSource.Stance.REFUTES,
                quote="Stadiums of this size typically create fewer than 600 permanent jobs.",
            ),
            DemoSource(
                url="https://example.org/harbor-point-group/stadium-proposal",
                title="The Harbor Point stadium proposal",
                publisher="Harbor Point Group",
                stance=EvidenceSource.Stance.CONTEXT,
                quote="The stadium will create 4,000 permanent jobs.",
            ),
        ),
    ),
    DemoFactCheck(
        claim_contains="Waiting times are now the shortest they have been",
        rating="misleading",
        explanation=(
            "The average wait did fall from 84 to 41 days, but partly because patients "
            "referred to private clinics were no longer counted."
        ),
        summary=(
            "The Northfield Health Agency's figures show the average wait for a specialist "
            "appointment falling from 84 to 41 days in a year. The nurses' union says the agency "
            "stopped counting patients referred to private clinics, which removes the longest "
            "waits from the average. The record is therefore not comparable with earlier years "
            "until the agency publishes figures on the old basis."
        ),
        sources=(
            DemoSource(
                url="https://example.org/northfield-health-agency/annual-report",
                title="Annual report: specialist waiting times",
                publisher="Northfield Health Agency",
                stance=EvidenceSource.Stance.SUPPORTS,
                quote="The average wait for a specialist appointment fell from 84 to 41 days.",
            ),
            DemoSource(
                url="https://example.org/northfield-courier/union-disputes-waiting-times",
                title="Union disputes clinic waiting-time figures",
                publisher="Northfield Courier",
                stance=EvidenceSource.Stance.REFUTES,
                quote="The agency had stopped counting patients who were referred to private "
                "clinics.",
            ),
        ),
    ),
)


class Command(BaseCommand):
    help = (
        "Load the demo articles through the real pipeline, create the demo accounts and "
        "publish a few fact-checks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            help="password for the demo accounts (default: the one printed before, or a random "
            "one the first time)",
        )
        parser.add_argument(
            "--credentials",
            type=Path,
            default=DEMO_CREDENTIALS,
            help=f"where the printed password and key are kept (default: {DEMO_CREDENTIALS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kept = credentials_read(options["credentials"])
        password = options["password"] or kept.get("password") or secrets.token_urlsafe(12)
        with _setup_quietly():
            usernames = self._load(password)
        extracted = Article.objects.filter(status=Article.Status.EXTRACTED).count()
        queued = ReviewItem.objects.filter(status=ReviewItem.Status.PENDING).count()
        taken = ReviewItem.objects.filter(status=ReviewItem.Status.IN_REVIEW).count()
        published = ReviewItem.objects.filter(
            status__in=CHECKED, claim__article__url__startswith=DEMO_SITE
        ).count()
        self.stdout.write(
            f"{extracted} articles extracted; in the review queue {queued} claims to take and "
            f"{taken} in review."
        )
        self.stdout.write(f"{published} demo fact-checks published.")
        key = self._api_token(kept.get("key", ""))
        _credentials_write(options["credentials"], password=password, key=key)
        # Last and set apart: where to go and how to log in, above only the server's banner.
        rule = "-" * 78
        for line in [
            rule,
            f"The demo's fact-checks: {absolute_url(None, reverse('home'))}",
            f"The desk:               {absolute_url(None, reverse('admin:index'))}",
            f"  log in as {' or '.join(usernames)}; password: {password}",
            f"The API:                {absolute_url(None, reverse('api:docs'))}",
            f"  API token (read, submit, search): {key}",
            "  sent as the header 'Authorization: Token <the token>'",
            rule,
        ]:
            self.stdout.write(line)

    def _load(self, password: str) -> list[str]:
        """Load the demo articles, ensure the demo accounts and publish the demo fact-checks
        (once); returns the accounts' usernames."""
        for path in expand_paths([DEMO_ARTICLES]):
            data = path.read_bytes()
            # Each demo article gets an address, as a real one would have, so the published
            # fact-checks' ClaimReview can name where the claim appeared.
            received = services.article_receive(
                raw=data,
                fmt=guess_format(path.name, head=data[:1024]),
                source=Article.Source.FILE,
                url=f"{DEMO_SITE}{path.stem}/",
            )
            # Extract here, so the demo works whether or not a worker is running;
            # if a worker got there first this changes nothing.
            services.article_extract(article_id=received.article.pk)
            if received.created and path.stem in ARRIVED_AGO:
                _arrived(received.article.pk, at=timezone.now() - ARRIVED_AGO[path.stem])
        usernames = demo_accounts_ensure(password=password)
        users = get_user_model().objects
        reviewer, editor = users.get(username="reviewer"), users.get(username="editor")
        for fact_check in FACT_CHECKS:
            self._publish(fact_check, reviewer=reviewer, editor=editor)
        # One claim in review, so the desk shows a claim being worked on.
        if not ReviewItem.objects.filter(status=ReviewItem.Status.IN_REVIEW).exists():
            review_take_next(user=reviewer)
        return usernames

    def _api_token(self, kept: str) -> str:
        """The demo's token with every scope: the key printed before while it still opens
        the API, else a new one."""
        token = ApiToken.objects.filter(name=DEMO_TOKEN).first()
        if token is None:
            return api_token_create(name=DEMO_TOKEN, scopes=ApiToken.Scope.values)[1]
        if kept and token.key_hash == ApiToken.hash_key(kept):
            ApiToken.objects.filter(pk=token.pk).update(active=True, scopes=ApiToken.Scope.values)
            return kept
        return api_token_rotate(token_id=token.pk)[1]

    def _publish(self, fact_check: DemoFactCheck, *, reviewer: Any, editor: Any) -> None:
        """Take the claim through the desk as a reviewer and an editor would; once only."""
        claim = (
            Claim.objects.filter(text__contains=fact_check.claim_contains, review__isnull=False)
            .order_by("pk")
            .first()
        )
        if claim is None:
            self.stderr.write(f"No queued claim contains {fact_check.claim_contains!r}.")
            return
        item_id = claim.review.pk
        if claim.review.status != ReviewItem.Status.PENDING:
            return  # Published by an earlier run, or someone is working on it.
        try:
            with transaction.atomic():
                review_take(item_id=item_id, user=reviewer)
                verdict = publishing.verdict_save(
                    item_id=item_id,
                    user=reviewer,
                    rating=fact_check.rating,
                    explanation=fact_check.explanation,
                    summary=fact_check.summary,
                )
                for source in fact_check.sources:
                    # The URLs are placeholders: archiving them would only record a failure.
                    publishing.source_add(
                        verdict_id=verdict.pk,
                        user=reviewer,
                        url=source.url,
                        title=source.title,
                        publisher=source.publisher,
                        stance=source.stance,
                        quote=source.quote,
                        archive=False,
                    )
                publishing.verdict_submit(item_id=item_id, user=reviewer)
                publishing.verdict_approve(item_id=item_id, editor=editor)
        except TransitionError as error:
            self.stderr.write(f"Could not publish the fact-check of claim {item_id}: {error}")


@contextlib.contextmanager
def _setup_quietly() -> Iterator[None]:
    """The demo's setup without its routine output: on the embedded default every task runs
    in this process and logs its success, and the desk emails the demo accounts (addresses on
    example.org) as their fact-checks are published, which the console backend prints. Both
    would bury what the newcomer needs; a task's failure, a warning and every error still show.
    """
    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    trace.setLevel(logging.WARNING)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            yield
    finally:
        trace.setLevel(level)


def _arrived(article_id: int, *, at: datetime) -> None:
    """Date a new demo article's arrival, and its claims' queueing, back to `at`."""
    article = Article.objects.get(pk=article_id)
    took = (article.extracted_at or article.received_at) - article.received_at
    Article.objects.filter(pk=article_id).update(received_at=at, extracted_at=at + took)
    # Neither claims nor queue entries have a history row for their creation.
    Claim.objects.filter(article_id=article_id).update(created_at=at)
    ReviewItem.objects.filter(claim__article_id=article_id).update(created_at=at, updated_at=at)


def credentials_read(path: Path) -> dict[str, str]:
    try:
        kept = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return kept if isinstance(kept, dict) else {}


def _credentials_write(path: Path, *, password: str, key: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(json.dumps({"password": password, "key": key}))
