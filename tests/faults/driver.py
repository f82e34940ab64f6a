"""What a newsroom system does to the stack under test, run as its own process.

    python -m tests.faults.driver submit --tag T --count N [--sentences S]
    python -m tests.faults.driver sweep [--matching]
    python -m tests.faults.driver extract ID [ID ...]
    python -m tests.faults.driver pairs --count N
    python -m tests.faults.driver copies --tag T --count N --sentences S
    python -m tests.faults.driver match [--times N] ID [ID ...]

`submit` stores articles through `article_receive` (what the push API and `ingest` call) and
prints their ids as JSON; `sweep` sends the lost-task sweep to the workers, as beat does
(`--matching`: the sweep of claims left unplaced);
`extract` sends extraction tasks again, as a broker redelivering a message would. `pairs`
stores N pairs of articles each making one claim, the two claims of a pair near-identical
(another wording of one pledge), pairs set apart by their figures; `copies` stores N articles
making the same S claims (copies of one wire story, each with a line of its own); `match`
sends a matching task for these claims (N of them), as a redelivered message would.
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


# Pledges about different things: a pair's two wordings are each other's closest claims.
PLEDGES = [
    ("mayor of Riverton", "end the transit strike"),
    ("governor of Lakeshire", "scrap the bridge tolls"),
    ("finance minister", "cut the fuel duty"),
    ("health secretary", "open the new children's hospital"),
    ("police chief of Eastport", "put more officers on night patrols"),
    ("education minister", "hire a thousand new teachers"),
    ("energy regulator", "cap household heating bills"),
    ("transport secretary", "reopen the coastal railway line"),
    ("housing minister", "build social homes on the old airfield"),
    ("environment agency head", "ban dumping in the Silver river"),
    ("city council leader", "plant trees along every main road"),
    ("prime minister", "hold a referendum on the voting age"),
]


def pair_texts(number: int) -> tuple[bytes, bytes]:
    who, what = PLEDGES[(number - 1) % len(PLEDGES)]
    days = 10 + number
    first = f"The {who} pledged to {what} within {days} days of taking office."
    again = f"The {who} has promised he would {what} within {days} days in office."
    return (f"Pledge {number}\n\n{first}\n").encode(), (f"Promise {number}\n\n{again}\n").encode()


def copy_text(*, tag: str, number: int, sentences: int) -> bytes:
    """The same report, but for a first line of its own (so it is not a duplicate)."""
    own = f"Copy {number} of the {tag} report was filed on day {number % 365 + 1}."
    shared = article_text(tag=tag, number=0, sentences=sentences).decode().split("\n\n", 1)[1]
    return f"Schools report {tag} copy {number}\n\n{own}\n\n{shared}".encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    submit = commands.add_parser("submit")
    submit.add_argument("--tag", required=True)
    submit.add_argument("--count", type=int, default=1)
    submit.add_argument("--sentences", type=int, default=8)
    sweep = commands.add_parser("sweep")
    sweep.add_argument("--matching", action="store_true")
    extract = commands.add_parser("extract")
    extract.add_argument("ids", type=int, nargs="+")
    pairs = commands.add_parser("pairs")
    pairs.add_argument("--count", type=int, default=10)
    copies = commands.add_parser("copies")
    copies.add_argument("--tag", required=True)
    copies.add_argument("--count", type=int, default=2)
    copies.add_argument("--sentences", type=int, default=8)
    match = commands.add_parser("match")
    match.add_argument("--times", type=int, default=1)
    match.add_argument("ids", type=int, nargs="+")
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
    elif args.command in ("pairs", "copies"):
        from claims import services

        if args.command == "pairs":
            raws = [raw for n in range(args.count) for raw in pair_texts(n + 1)]
        else:
            raws = [
                copy_text(tag=args.tag, number=n, sentences=args.sentences)
                for n in range(args.count)
            ]
        ids = [
            services.article_receive(raw=raw, fmt="text", source="push").article.pk for raw in raws
        ]
        print(json.dumps(ids))
    elif args.command == "match":
        from reviews.tasks import claims_match

        for _ in range(args.times):
            claims_match.delay(args.ids)
    elif args.command == "extract":
        from claims.tasks import article_extract

        for article_id in args.ids:
            article_extract.delay(article_id)
    elif args.matching:
        from reviews.tasks import claims_match_pending

        claims_match_pending.delay()
    else:
        from claims.tasks import articles_requeue_stale

        articles_requeue_stale.delay()


if __name__ == "__main__":
    main()
