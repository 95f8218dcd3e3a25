"""The polite HTTP client: retries, rate, limits, errors and logs.

Behaviour that needs no wire uses ``httpx.MockTransport``; the wire itself (cookies,
redirects, streamed bodies, 304, concurrency) is tested against the fixture server.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from ptt.config import Settings, load_settings
from ptt.errors import BlockedError, FetchError
from ptt.http import HttpClient, RateLimiter, RetryPolicy, retry_after_seconds

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    env = {"PTT_HOME": str(tmp_path), "PTT_CONTACT": "desk@example.org"}
    return load_settings(env=env)


class Sleeps:
    """A sleep that only records how long it was asked to wait."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def mock_client(
    settings: Settings, handler: Handler, **kwargs: object
) -> tuple[HttpClient, Sleeps]:
    sleeps = Sleeps()
    unlimited = dataclasses.replace(settings, rate_limit=0)
    options: dict[str, object] = {
        "retry": RetryPolicy(jitter=0),
        "sleep": sleeps,
        **kwargs,
    }
    client = HttpClient(
        unlimited,
        transport=httpx.MockTransport(handler),
        **options,  # type: ignore[arg-type]
    )
    return client, sleeps


def answers(*responses: httpx.Response) -> tuple[Handler, list[httpx.Request]]:
    """Return a handler giving ``responses`` in turn (the last one repeats)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return responses[min(len(seen), len(responses)) - 1]

    return handler, seen


def test_it_sends_a_user_agent_naming_ptt_and_the_contact(settings: Settings) -> None:
    handler, seen = answers(httpx.Response(200, content=b"ok"))
    client, _ = mock_client(settings, handler)

    client.get("https://example.org/a")

    agent = seen[0].headers["User-Agent"]
    assert agent.startswith("ptt/")
    assert "desk@example.org" in agent


def test_it_retries_5xx_with_exponential_backoff_then_succeeds(
    settings: Settings,
) -> None:
    handler, seen = answers(
        httpx.Response(503), httpx.Response(502), httpx.Response(200, content=b"done")
    )
    client, sleeps = mock_client(
        settings, handler, retry=RetryPolicy(backoff=0.5, jitter=0)
    )

    response = client.get("https://example.org/index.zip")

    assert response.content == b"done"
    assert len(seen) == 3
    assert sleeps.delays == [0.5, 1.0]


def test_it_gives_up_after_the_bounded_attempts_with_the_url_and_status(
    settings: Settings,
) -> None:
    handler, seen = answers(httpx.Response(500))
    client, sleeps = mock_client(
        settings, handler, retry=RetryPolicy(attempts=4, jitter=0)
    )

    with pytest.raises(FetchError) as caught:
        client.get("https://example.org/data")

    assert len(seen) == 4
    assert sleeps.delays == [1.0, 2.0, 4.0]
    assert caught.value.status == 500
    assert caught.value.url == "https://example.org/data"
    assert "https://example.org/data failed after 4 attempts: HTTP 500" in str(
        caught.value
    )
    assert "try again later" in str(caught.value)


def test_it_adds_jitter_within_the_configured_fraction(settings: Settings) -> None:
    policy = RetryPolicy(backoff=1.0, jitter=0.5)
    rng = random.Random(7)

    delays = [policy.delay(attempt, None, rng) for attempt in (1, 2, 3)]

    assert 1.0 <= delays[0] <= 1.5
    assert 2.0 <= delays[1] <= 3.0
    assert 4.0 <= delays[2] <= 6.0
    assert delays != [1.0, 2.0, 4.0]


def test_it_honours_retry_after_in_seconds_on_429(settings: Settings) -> None:
    handler, _ = answers(
        httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200)
    )
    client, sleeps = mock_client(settings, handler)

    assert client.get("https://example.org/x").status_code == 200
    assert sleeps.delays == [7.0]


def test_it_reads_retry_after_as_an_http_date() -> None:
    now = 1_700_000_000.0
    header = "Tue, 14 Nov 2023 22:13:40 GMT"  # 20 s after ``now``

    assert retry_after_seconds(header, now=now) == pytest.approx(20.0)
    assert retry_after_seconds("not a date", now=now) is None
    assert retry_after_seconds(None) is None


def test_it_gives_up_when_retry_after_exceeds_the_longest_wait(
    settings: Settings,
) -> None:
    handler, seen = answers(httpx.Response(503, headers={"Retry-After": "3600"}))
    client, sleeps = mock_client(settings, handler, retry=RetryPolicy(max_wait=60))

    with pytest.raises(FetchError, match="asks to wait 3600 s"):
        client.get("https://example.org/x")

    assert len(seen) == 1
    assert sleeps.delays == []


def test_it_retries_connection_errors_and_timeouts(settings: Settings) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise httpx.ConnectError("connection refused", request=request)
        if calls == 2:
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(200, content=b"fine")

    client, sleeps = mock_client(settings, handler)

    assert client.get("https://example.org/x").content == b"fine"
    assert len(sleeps.delays) == 2


def test_it_reports_a_connection_that_never_succeeds(settings: Settings) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client, _ = mock_client(settings, handler, retry=RetryPolicy(attempts=2, jitter=0))

    with pytest.raises(FetchError, match="the connection failed") as caught:
        client.get("https://example.org/x")
    assert caught.value.status is None


def test_it_raises_blocked_error_on_403_without_retrying(settings: Settings) -> None:
    handler, seen = answers(httpx.Response(403))
    client, sleeps = mock_client(settings, handler)

    with pytest.raises(BlockedError, match="was refused") as caught:
        client.get("https://example.org/search/")

    assert len(seen) == 1
    assert sleeps.delays == []
    assert caught.value.status == 403


def test_it_fails_at_once_on_other_4xx(settings: Settings) -> None:
    handler, seen = answers(httpx.Response(404))
    client, _ = mock_client(settings, handler)

    with pytest.raises(FetchError, match="answered HTTP 404 Not Found") as caught:
        client.get("https://example.org/missing.pdf")

    assert not isinstance(caught.value, BlockedError)
    assert caught.value.status == 404
    assert len(seen) == 1


def test_it_refuses_a_body_declared_larger_than_the_limit(settings: Settings) -> None:
    handler, _ = answers(httpx.Response(200, content=b"x" * 2000))
    client, _ = mock_client(settings, handler, max_bytes=1000)

    with pytest.raises(FetchError, match="limit of 1000 bytes") as caught:
        client.get("https://example.org/big.pdf")
    assert caught.value.url == "https://example.org/big.pdf"


def test_a_per_call_limit_overrides_the_client_limit(settings: Settings) -> None:
    handler, _ = answers(httpx.Response(200, content=b"x" * 2000))
    client, _ = mock_client(settings, handler, max_bytes=1000)

    assert (
        len(client.get("https://example.org/big.pdf", max_bytes=5000).content) == 2000
    )
    with pytest.raises(FetchError, match="limit of 10 bytes"):
        client.get("https://example.org/big.pdf", max_bytes=10)


def test_it_sends_validators_and_returns_a_304_as_such(settings: Settings) -> None:
    handler, seen = answers(httpx.Response(304))
    client, _ = mock_client(settings, handler)

    response = client.get(
        "https://example.org/2025FD.zip",
        etag='"abc"',
        last_modified="Mon, 17 Feb 2025 09:00:00 GMT",
    )

    assert response.status_code == 304
    assert seen[0].headers["If-None-Match"] == '"abc"'
    assert seen[0].headers["If-Modified-Since"] == "Mon, 17 Feb 2025 09:00:00 GMT"


def test_it_logs_one_info_line_per_request_without_secrets(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    handler, _ = answers(
        httpx.Response(
            200,
            content=b"{}",
            headers={"Set-Cookie": "sessionid=s3cr3tsession; Path=/"},
        )
    )
    client, _ = mock_client(settings, handler)
    caplog.set_level(logging.DEBUG, logger="ptt")

    client.post(
        "https://example.org/search/report/data/",
        data={"csrfmiddlewaretoken": "t0kenvalue", "start": "0"},
        headers={"Cookie": "csrftoken=c00kievalue"},
    )

    records = [r for r in caplog.records if r.name == "ptt.http"]
    assert len(records) == 1
    assert records[0].levelno == logging.INFO
    message = records[0].getMessage()
    assert message.startswith(
        "POST https://example.org/search/report/data/ 200, 2 bytes"
    )
    assert message.endswith(" ms.")
    text = caplog.text + repr([vars(r) for r in caplog.records])
    for secret in ("s3cr3tsession", "t0kenvalue", "c00kievalue"):
        assert secret not in text


def test_it_logs_a_warning_per_retry(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    handler, _ = answers(httpx.Response(503), httpx.Response(503), httpx.Response(200))
    client, _ = mock_client(settings, handler)
    caplog.set_level(logging.DEBUG, logger="ptt")

    client.get("https://example.org/x")

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "GET https://example.org/x failed (HTTP 503 Service Unavailable); "
        "retrying in 1.0 s (attempt 2 of 4).",
        "GET https://example.org/x failed (HTTP 503 Service Unavailable); "
        "retrying in 2.0 s (attempt 3 of 4).",
    ]


class FakeClock:
    """A monotonic clock that moves only when something sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def test_the_rate_limiter_spaces_requests_to_one_host() -> None:
    clock = FakeClock()
    limiter = RateLimiter(2.0, clock=clock, sleep=clock.sleep)

    waits = [limiter.wait("disclosures-clerk.house.gov") for _ in range(4)]

    assert waits == [0.0, 0.5, 0.5, 0.5]
    assert clock.now == pytest.approx(101.5)


def test_the_rate_limiter_keeps_hosts_apart_and_credits_idle_time() -> None:
    clock = FakeClock()
    limiter = RateLimiter(1.0, clock=clock, sleep=clock.sleep)

    assert limiter.wait("a.example") == 0.0
    assert limiter.wait("b.example") == 0.0
    clock.now += 5
    assert limiter.wait("a.example") == 0.0
    assert limiter.wait("a.example") == 1.0


def test_the_rate_limiter_is_lifted_by_a_rate_of_zero() -> None:
    clock = FakeClock()
    limiter = RateLimiter(0, clock=clock, sleep=clock.sleep)

    assert [limiter.wait("a.example") for _ in range(10)] == [0.0] * 10
    assert clock.now == 100.0


def test_the_rate_limiter_gives_threads_distinct_slots() -> None:
    slots: list[float] = []
    clock = FakeClock()
    lock = threading.Lock()

    def record(seconds: float) -> None:
        with lock:
            slots.append(seconds)

    limiter = RateLimiter(4.0, clock=clock, sleep=record)
    threads = [
        threading.Thread(target=limiter.wait, args=("h.example",)) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # The clock never moves, so eight callers get eight slots 0.25 s apart.
    assert sorted(slots) == pytest.approx([0.25 * n for n in range(1, 8)])


def test_the_client_passes_each_request_through_the_rate_limiter(
    settings: Settings,
) -> None:
    clock = FakeClock()
    limiter = RateLimiter(2.0, clock=clock, sleep=clock.sleep)
    handler, _ = answers(httpx.Response(200))
    client, _ = mock_client(settings, handler, rate_limiter=limiter)

    for _ in range(3):
        client.get("https://example.org/x")

    assert clock.now == pytest.approx(101.0)


def test_fetch_many_yields_every_item_with_its_response_or_error(
    settings: Settings,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        name = request.url.path.rsplit("/", 1)[-1]
        if name == "7":
            return httpx.Response(404)
        return httpx.Response(200, content=name.encode())

    client, _ = mock_client(settings, handler)

    results = dict(client.fetch_many(range(20), lambda n: f"https://example.org/{n}"))

    assert sorted(results) == list(range(20))
    assert isinstance(results[7], FetchError)
    assert results[7].status == 404
    for number, result in results.items():
        if number != 7:
            assert isinstance(result, httpx.Response)
            assert result.content == str(number).encode()
