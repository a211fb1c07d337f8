"""Fetch an HTTP(S) URL within limits, so no server can keep a download alive forever.

Four limits end a transfer with a DownloadError: no byte for ``timeout`` seconds (a stall),
fewer than ``min_rate`` bytes a second over a ``rate_window`` (a trickle), the whole transfer
past its ``deadline``, and more bytes than the caller expects. A watchdog thread shuts the socket
down at the deadline, wherever the transfer waits: in the headers as well as in the body. A
redirect may change the path or the scheme, not the host.
"""

from __future__ import annotations

import http.client
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from email.message import Message
from http.client import HTTPException, HTTPResponse
from typing import IO
from urllib.parse import urlsplit

from moviepick import __version__
from moviepick.errors import DownloadError

Progress = Callable[[int, int | None], None]
"""Called with (bytes done, total bytes or None when the server does not say)."""

DEADLINE_VARIABLE = "MOVIEPICK_DOWNLOAD_DEADLINE"
MIN_RATE_VARIABLE = "MOVIEPICK_DOWNLOAD_MIN_RATE"
CHUNK_BYTES = 256 * 1024
_NO_NETWORK_HINT = "check your connection, or pass --data PATH to a MovieLens folder or zip"
_RETRY_HINT = "try again, or pass --data PATH to a MovieLens folder or zip"


@dataclass(frozen=True)
class TransferLimits:
    timeout: float = 30.0
    """Seconds without a byte (or to connect) before the transfer counts as stalled."""
    deadline: float = 2 * 3600.0
    """Seconds the whole transfer may take: ml-latest (335 MB) at 50 kB/s."""
    min_rate: float = 1024.0
    """Bytes a second the transfer must average over each ``rate_window``."""
    rate_window: float = 60.0

    @classmethod
    def from_environment(cls, timeout: float = 30.0) -> TransferLimits:
        """The defaults, with ``$MOVIEPICK_DOWNLOAD_DEADLINE`` (seconds) and
        ``$MOVIEPICK_DOWNLOAD_MIN_RATE`` (bytes a second, 0 for none) where they are set."""
        return cls(
            timeout=timeout,
            deadline=_setting(DEADLINE_VARIABLE, cls.deadline, positive=True),
            min_rate=_setting(MIN_RATE_VARIABLE, cls.min_rate, positive=False),
        )


def fetch(
    url: str,
    sink: IO[bytes],
    limits: TransferLimits,
    *,
    max_bytes: int,
    progress: Progress | None = None,
    chunk: Callable[[bytes], object] | None = None,
) -> int:
    """Copy the body of ``url`` into ``sink``, passing each piece to ``chunk`` too; return its
    length. A body longer than ``max_bytes`` is refused, one shorter than it said is cut off."""
    with _Watchdog(limits.deadline) as watchdog, _open(url, limits, watchdog) as response:
        total = _declared_length(response.headers)
        if total is not None and total > max_bytes:
            raise DownloadError(f"{url} is {total:,} bytes, more than the {max_bytes:,} expected")
        meter = _RateMeter(url, limits)
        done = 0
        if progress:
            progress(done, total)
        while piece := _read(response, CHUNK_BYTES, url, limits, watchdog):
            done += len(piece)
            if done > max_bytes:
                raise DownloadError(f"{url} sent more than the {max_bytes:,} bytes expected")
            sink.write(piece)
            if chunk:
                chunk(piece)
            if progress:
                progress(done, total)
            meter.check(done)
        if watchdog.expired:
            raise _past_deadline(url, limits)
    if total is not None and done != total:
        raise DownloadError(f"download of {url} was cut off after {done} of {total} bytes")
    return done


@contextmanager
def _open(url: str, limits: TransferLimits, watchdog: _Watchdog) -> Iterator[HTTPResponse]:
    opener = urllib.request.build_opener(
        _HTTPHandler(watchdog), _HTTPSHandler(watchdog), _SameHostRedirects()
    )
    request = urllib.request.Request(url, headers={"User-Agent": f"moviepick/{__version__}"})
    try:
        response = opener.open(request, timeout=limits.timeout)
    except urllib.error.HTTPError as error:
        error.close()
        raise DownloadError(f"cannot download {url}: HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise _failure(url, error.reason, limits, watchdog, connecting=True) from None
    except (OSError, HTTPException) as error:
        raise _failure(url, error, limits, watchdog, connecting=True) from None
    except ValueError as error:  # urllib's word for a URL it cannot parse
        raise DownloadError(f"cannot download {url}: {error}") from None
    with response:
        yield response


def _read(
    response: HTTPResponse, size: int, url: str, limits: TransferLimits, watchdog: _Watchdog
) -> bytes:
    """At most ``size`` bytes of the body, from one read of the socket: a trickle shows."""
    try:
        return response.read1(size)
    except (OSError, HTTPException) as error:
        raise _failure(url, error, limits, watchdog, connecting=False) from None


def _failure(
    url: str, reason: object, limits: TransferLimits, watchdog: _Watchdog, *, connecting: bool
) -> DownloadError:
    if watchdog.expired:
        return _past_deadline(url, limits)
    if isinstance(reason, TimeoutError):
        return DownloadError(
            f"download of {url} stalled: nothing came for {limits.timeout:g} s; {_RETRY_HINT}"
        )
    if connecting:
        host = urlsplit(url).netloc or url
        return DownloadError(f"download failed, cannot reach {host} ({reason}): {_NO_NETWORK_HINT}")
    return DownloadError(f"download of {url} was interrupted ({reason!r}): {_RETRY_HINT}")


def _past_deadline(url: str, limits: TransferLimits) -> DownloadError:
    return DownloadError(
        f"download of {url} took longer than {limits.deadline:g} s (${DEADLINE_VARIABLE}) "
        f"and was stopped; {_RETRY_HINT}"
    )


def _declared_length(headers: Message) -> int | None:
    length = headers.get("Content-Length")
    return int(length) if length and length.isdigit() else None


def _setting(variable: str, default: float, *, positive: bool) -> float:
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not (number > 0 or (number == 0 and not positive)) or number == float("inf"):
        wanted = "a number of seconds above 0" if positive else "a number of bytes a second"
        raise DownloadError(f"${variable} must be {wanted}, not {value!r}")
    return number


class _RateMeter:
    """Fails a transfer that averages under the minimum rate over a window."""

    def __init__(self, url: str, limits: TransferLimits) -> None:
        self._url = url
        self._limits = limits
        self._since = time.monotonic()
        self._done_then = 0

    def check(self, done: int) -> None:
        now = time.monotonic()
        elapsed = now - self._since
        if elapsed < self._limits.rate_window:
            return
        rate = (done - self._done_then) / elapsed
        if rate < self._limits.min_rate:
            raise DownloadError(
                f"download of {self._url} is too slow: {rate:.0f} bytes/s over {elapsed:.0f} s, "
                f"under the minimum of {self._limits.min_rate:g} (${MIN_RATE_VARIABLE}); "
                f"{_RETRY_HINT}"
            )
        self._since, self._done_then = now, done


class _Watchdog:
    """Shuts the transfer's sockets down once ``seconds`` have passed."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    # shutdown, unlike close, wakes a thread blocked in recv on the socket.
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _watched(
    connection: type[http.client.HTTPConnection], watchdog: _Watchdog
) -> type[http.client.HTTPConnection]:
    class WatchedConnection(connection):  # type: ignore[valid-type,misc]
        def connect(self) -> None:
            super().connect()
            watchdog.watch(self.sock)

    return WatchedConnection


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, watchdog: _Watchdog) -> None:
        super().__init__()
        self._connection = _watched(http.client.HTTPConnection, watchdog)

    def http_open(self, req: urllib.request.Request) -> HTTPResponse:
        return self.do_open(self._connection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, watchdog: _Watchdog) -> None:
        super().__init__()
        self._connection = _watched(http.client.HTTPSConnection, watchdog)

    def https_open(self, req: urllib.request.Request) -> HTTPResponse:
        return self.do_open(self._connection, req)


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).hostname != urlsplit(req.full_url).hostname:
            fp.close()
            raise DownloadError(
                f"{req.full_url} redirects to another host ({newurl}); refused: "
                "point $MOVIEPICK_DOWNLOAD_URL at the host that serves the files"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)
