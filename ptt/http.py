"""The one polite HTTP client every source uses.

Politeness comes in small layers, each with its own knobs:

    RateLimiter   at most ``settings.rate_limit`` requests per second per host, shared
                  by every thread of a client (0 lifts it)
    concurrency   at most ``settings.concurrency`` requests under way at once, from
                  every thread of a client
    RetryPolicy   bounded attempts with exponential backoff and jitter on connection
                  errors, timeouts, 429 and 5xx, honouring ``Retry-After``
    size limit    bodies are streamed and refused once they pass ``max_bytes``

Failures reach the caller as ``FetchError`` (with ``url`` and ``status``), or
``BlockedError`` for a 403. Redirects are followed; ``response.history`` and
``response.url`` tell where the source sent us. A 304 answer to a conditional request
comes back as a response, not an error. Every request is logged at INFO as one line
(method, URL, status, bytes, milliseconds); headers, cookies and bodies never are.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from ptt.config import Settings
from ptt.errors import BlockedError, FetchError
from ptt.logs import redact_text

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

T = TypeVar("T")

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a failed request is tried again."""

    attempts: int = 4
    # The first wait in seconds; each later wait doubles it.
    backoff: float = 1.0
    # Extra random wait, as a fraction of the backoff, so clients do not retry in step.
    jitter: float = 0.5
    # The longest ptt waits before one retry; a longer Retry-After gives up instead.
    max_wait: float = 120.0

    def delay(
        self, attempt: int, retry_after: float | None, rng: random.Random
    ) -> float:
        """Return the seconds to wait after failed attempt number ``attempt`` (1-based)."""
        backoff = self.backoff * 2.0 ** (attempt - 1)
        backoff += backoff * self.jitter * rng.random()
        if retry_after is not None:
            backoff = max(backoff, retry_after)
        return min(backoff, self.max_wait)


class RateLimiter:
    """Space requests to each host so that at most ``rate`` per second start."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}

    def wait(self, host: str) -> float:
        """Block until a request to ``host`` may start; return the seconds waited."""
        if self.interval <= 0:
            return 0.0

        # Each caller reserves the next free slot under the lock and sleeps outside it,
        # so threads queue up one interval apart instead of all waking at once.
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + self.interval
        delay = slot - now
        if delay > 0:
            self._sleep(delay)
        return delay


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """Return a ``Retry-After`` header (seconds or an HTTP date) as seconds from now."""
    if not value:
        return None

    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def _is_retryable(status: int) -> bool:
    return status == 429 or 500 <= status <= 599


def _describe(response: httpx.Response) -> str:
    return f"HTTP {response.status_code} {response.reason_phrase}".rstrip()


def _transport_failure(error: httpx.TransportError) -> str:
    kind = "timed out" if isinstance(error, httpx.TimeoutException) else "failed"
    detail = str(error) or type(error).__name__
    return f"the connection {kind} ({detail})"


def _log(method: str, response: httpx.Response, size: int, started: float) -> None:
    elapsed_ms = round((time.monotonic() - started) * 1000)
    for hop in response.history:
        logger.info(
            "%s %s was redirected (%d) to %s.",
            method,
            redact_text(str(hop.url)),
            hop.status_code,
            redact_text(hop.headers.get("Location", "")),
        )
    url = redact_text(str(response.url))
    logger.info(
        "%s %s %d, %d bytes, %d ms.",
        method,
        url,
        response.status_code,
        size,
        elapsed_ms,
        extra={
            "method": method,
            "url": url,
            "status": response.status_code,
            "bytes": size,
            "elapsed_ms": elapsed_ms,
        },
    )


@dataclass(frozen=True)
class _Retryable:
    """Why an attempt failed in a way that another attempt may mend."""

    reason: str
    status: int | None = None
    retry_after: float | None = None


class HttpClient:
    """A polite, thread-safe HTTP client built from the settings."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rate_limiter: RateLimiter | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.retry = retry or RetryPolicy()
        self.max_bytes = max_bytes
        self.concurrency = max(1, settings.concurrency)
        self.rate_limiter = rate_limiter or RateLimiter(settings.rate_limit)
        # Requests under way at once, from every thread (downloads and a listing).
        self._in_flight = threading.BoundedSemaphore(self.concurrency)
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._client = httpx.Client(
            transport=transport,
            timeout=timeout,
            follow_redirects=True,
            headers={"User-Agent": settings.user_agent},
            limits=httpx.Limits(
                max_connections=max(10, self.concurrency * 2),
                max_keepalive_connections=max(5, self.concurrency),
            ),
        )

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    @property
    def cookies(self) -> httpx.Cookies:
        """Return the cookies this client keeps between requests."""
        return self._client.cookies

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Return the response to a GET; with validators, a 304 comes back as such."""
        headers = dict(kwargs.pop("headers", None) or {})
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self.request("GET", url, headers=headers, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        """Return the response to a POST (form fields in ``data=``)."""
        return self.request("POST", url, **kwargs)

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        max_bytes: int | None = None,
        follow_redirects: bool = True,
    ) -> httpx.Response:
        """Return the read response, retrying what may pass; raise FetchError otherwise.

        With ``follow_redirects=False`` a redirect comes back as the 3xx response.
        """
        limit = self.max_bytes if max_bytes is None else max_bytes
        attempts = max(1, self.retry.attempts)
        attempt = 0
        while True:
            attempt += 1
            outcome = self._attempt(
                method, url, headers, params, data, limit, follow_redirects
            )
            if isinstance(outcome, httpx.Response):
                return outcome

            if attempt >= attempts:
                raise FetchError(
                    f"{method} {url} failed after {attempt} attempts: {outcome.reason}; "
                    "the source may be down or overloaded, try again later",
                    url=url,
                    status=outcome.status,
                )

            if outcome.retry_after is not None and (
                outcome.retry_after > self.retry.max_wait
            ):
                raise FetchError(
                    f"{method} {url} failed: {outcome.reason}, and the source asks to "
                    f"wait {outcome.retry_after:.0f} s, longer than ptt waits "
                    f"({self.retry.max_wait:.0f} s); try again later",
                    url=url,
                    status=outcome.status,
                )

            delay = self.retry.delay(attempt, outcome.retry_after, self._rng)
            logger.warning(
                "%s %s failed (%s); retrying in %.1f s (attempt %d of %d).",
                method,
                redact_text(url),
                outcome.reason,
                delay,
                attempt + 1,
                attempts,
            )
            self._sleep(delay)

    def _attempt(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        params: Mapping[str, Any] | None,
        data: Mapping[str, Any] | None,
        limit: int,
        follow_redirects: bool = True,
    ) -> httpx.Response | _Retryable:
        """Return the response, or why the attempt may be retried; raise the rest."""
        try:
            request = self._client.build_request(
                method, url, headers=headers, params=params, data=data
            )
        except httpx.InvalidURL as error:
            raise FetchError(f"{url} is not a valid URL ({error})", url=url) from None

        self.rate_limiter.wait(request.url.host)
        started = time.monotonic()
        try:
            with self._in_flight:
                response = self._client.send(
                    request, stream=True, follow_redirects=follow_redirects
                )
                try:
                    size = self._read_body(response, url, limit)
                finally:
                    response.close()
        except httpx.TransportError as error:
            return _Retryable(_transport_failure(error))
        except httpx.RequestError as error:
            raise FetchError(
                f"{method} {url} failed: {error}; the source answered something ptt "
                "cannot read",
                url=url,
            ) from None

        _log(method, response, size, started)
        return self._judge(method, response)

    def _judge(
        self, method: str, response: httpx.Response
    ) -> httpx.Response | _Retryable:
        status = response.status_code
        final_url = str(response.url)
        if status < 400:
            return response

        if status == 403:
            raise BlockedError(
                f"{method} {final_url} was refused ({_describe(response)}): the source "
                "blocks ptt for now; check the rate (PTT_RATE_LIMIT) and the contact "
                "(PTT_CONTACT), and try again later",
                url=final_url,
                status=status,
            )

        if _is_retryable(status):
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            return _Retryable(_describe(response), status, retry_after)

        raise FetchError(
            f"{method} {final_url} answered {_describe(response)}; check the URL and the "
            "source's base URL setting",
            url=final_url,
            status=status,
        )

    def _read_body(self, response: httpx.Response, url: str, limit: int) -> int:
        """Read the body in chunks, refusing it once it passes ``limit`` bytes."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise self._too_large(url, limit, f"it declares {int(declared)} bytes")

        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise self._too_large(url, limit, "its body is larger")
            chunks.append(chunk)
        # httpx keeps a read body in _content; setting it makes the streamed response
        # behave like a read one (.content, .text, .json()).
        response._content = b"".join(chunks)
        return size

    @staticmethod
    def _too_large(url: str, limit: int, why: str) -> FetchError:
        return FetchError(
            f"refused {url}: {why} than the limit of {limit} bytes; raise the limit "
            "for this source if the document is genuine",
            url=url,
        )

    def fetch_many(
        self,
        requests: Iterable[T],
        url_of: Callable[[T], str],
        *,
        max_bytes: int | None = None,
    ) -> Iterator[tuple[T, httpx.Response | FetchError]]:
        """Yield (item, response or FetchError) for each item, in completion order.

        Downloads run on ``settings.concurrency`` threads while the caller handles the
        results on its own thread; one failed item never stops the others.
        """
        items = iter(requests)
        pending: dict[Future[httpx.Response | FetchError], T] = {}
        pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="ptt-fetch")

        def submit_next() -> None:
            for item in items:
                url = url_of(item)
                pending[pool.submit(self._fetch_one, url, max_bytes)] = item
                return

        try:
            # A few more in flight than threads keeps every thread busy without
            # holding the whole list's bodies in memory.
            for _ in range(self.concurrency * 2):
                submit_next()
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    item = pending.pop(future)
                    submit_next()
                    yield item, future.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _fetch_one(
        self, url: str, max_bytes: int | None
    ) -> httpx.Response | FetchError:
        try:
            return self.get(url, max_bytes=max_bytes)
        except FetchError as error:
            return error
