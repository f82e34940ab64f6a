"""Hostile peers on loopback: real sockets that answer as slowly or as oddly as told."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable


class RawServer:
    """A TCP server that runs `answer(connection)` for every connection it accepts, and counts
    the connections open at the moment (to see a worker still attached)."""

    def __init__(self, answer: Callable[[socket.socket], None]) -> None:
        self.answer = answer
        self.open = 0
        self.accepted = 0
        self._lock = threading.Lock()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.closed = False
        threading.Thread(target=self._serve, daemon=True).start()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}{path}"

    def _serve(self) -> None:
        while not self.closed:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection: socket.socket) -> None:
        with self._lock:
            self.open += 1
            self.accepted += 1
        try:
            with connection, contextlib.suppress(OSError):
                connection.settimeout(120)
                _read_request(connection)
                self.answer(connection)
        finally:
            with self._lock:
                self.open -= 1

    def close(self) -> None:
        self.closed = True
        self.listener.close()


def _read_request(connection: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            remaining = int(value.strip()) - len(body)
            while remaining > 0:
                chunk = connection.recv(min(remaining, 65536))
                if not chunk:
                    return
                remaining -= len(chunk)


def trickle_headers(every: float = 0.5, seconds: float = 90) -> Callable[[socket.socket], None]:
    """A status line, then one byte of a header every `every` seconds: no single read waits
    long, so only a deadline on the whole exchange stops it."""

    def answer(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            connection.sendall(b"a")
            time.sleep(every)

    return answer


def trickle_body(every: float = 0.5, seconds: float = 90) -> Callable[[socket.socket], None]:
    """Prompt headers, then a body with no length, one byte every `every` seconds."""

    def answer(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>")
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            connection.sendall(b"x")
            time.sleep(every)

    return answer


def huge_headers(count: int = 10_000) -> Callable[[socket.socket], None]:
    """Header lines without end (each short): the client must give up, not keep them all."""

    def answer(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\n")
        for n in range(count):
            connection.sendall(b"X-Filler-%d: %s\r\n" % (n, b"y" * 1000))
        connection.sendall(b"\r\n")

    return answer


def redirect_to(location: str) -> Callable[[socket.socket], None]:
    def answer(connection: socket.socket) -> None:
        connection.sendall(
            b"HTTP/1.1 302 Found\r\nLocation: "
            + location.encode()
            + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )

    return answer
