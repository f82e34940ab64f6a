"""What a newsroom system does to the stack under test, run as its own process.

    python -m tests.faults.driver submit --tag T --count N [--sentences S]
    python -m tests.faults.driver sweep
    python -m tests.faults.driver extract ID [ID ...]

`submit` stores articles through `article_receive` (what the push API and `ingest` call) and
prints their ids as JSON; `sweep` sends the lost-task sweep to the workers, as beat does;
`extract` sends extraction tasks again, as a broker redelivering a message would.
The environment (DATABASE_URL, REDIS_URL) points it at the stack the fault tests started.
"""

from __future__ import annotations

import argparse
import json


def article_text(*, tag: str, number: int, sentences: int) -> bytes:
    """A distinct English report of check-worthy sentences (numbers, attribution)."""
    lines = [
        f"Officials in district {tag}-{number}-{i} said {i * 7 + number} percent of "
        f"{i * 13 + 5} schools reopened in {1990 + i % 30}, up from {i % 17} percent."
        for i in range(sentences)
    ]
    paragraphs = [" ".join(lines[i : i + 4]) for i in range(0, len(lines), 4)]
    return (f"Schools report {tag} {number}\n\n" + "\n\n".join(paragraphs)).encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    submit = commands.add_parser("submit")
    submit.add_argument("--tag", required=True)
    submit.add_argument("--count", type=int, default=1)
    submit.add_argument("--sentences", type=int, default=8)
    commands.add_parser("sweep")
    extract = commands.add_parser("extract")
    extract.add_argument("ids", type=int, nargs="+")
    args = parser.parse_args()

    import django

    django.setup()
    if args.command == "submit":
        from claims import services

        ids = [
            services.article_receive(
                raw=article_text(tag=args.tag, number=n, sentences=args.sentences),
                fmt="text",
                source="push",
            ).article.pk
            for n in range(args.count)
        ]
        print(json.dumps(ids))
    elif args.command == "extract":
        from claims.tasks import article_extract

        for article_id in args.ids:
            article_extract.delay(article_id)
    else:
        from claims.tasks import articles_requeue_stale

        articles_requeue_stale.delay()


if __name__ == "__main__":
    main()
