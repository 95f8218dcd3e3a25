"""Schedules: durations, cron expressions in zones, intervals, DST days, missed slots."""

from __future__ import annotations

import datetime as dt

import pytest

from ptt.errors import ScheduleError
from ptt.scheduler.schedules import (
    CronSchedule,
    IntervalSchedule,
    format_duration,
    parse_duration,
)


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def slots(schedule: CronSchedule, start: str, count: int) -> list[str]:
    moment, found = utc(start), []
    for _ in range(count):
        moment = schedule.next_after(moment)
        found.append(moment.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return found


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("15m", 900), ("6h", 21600), ("1d", 86400), ("2w", 1209600),
     ("120", 120), (" 5M ", 300)],
)  # fmt: skip
def test_it_reads_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "m", "1.5h", "-5m", "10 minutes", "1y"])
def test_it_rejects_durations_naming_the_field(text: str) -> None:
    with pytest.raises(ScheduleError, match=r"^--interval: .* is not a duration"):
        parse_duration(text, field="--interval")


@pytest.mark.parametrize(
    ("seconds", "text"), [(90, "90s"), (900, "15m"), (7200, "2h"), (86400, "1d")]
)
def test_it_formats_durations_exactly(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text


def test_it_rejects_intervals_under_a_minute() -> None:
    with pytest.raises(ScheduleError, match=r"^--interval: 59s is too short"):
        IntervalSchedule(59)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("61 * * * *", "--cron: '61 * * * *' is not a valid expression"),
        ("* * * *", "--cron: '* * * *' needs 5 fields"),
        ("* * * * * *", "--cron: '* * * * * *' needs 5 fields"),
        ("@often", "--cron: unknown alias '@often'"),
        ("", "--cron: the expression is empty"),
        ("0 0 30 2 *", "--cron: '0 0 30 2 *' never matches a real date"),
    ],
)
def test_it_rejects_bad_cron_expressions_naming_the_field(
    expression: str, message: str
) -> None:
    with pytest.raises(ScheduleError) as caught:
        CronSchedule(expression)

    assert caught.value.message.startswith(message)


def test_it_rejects_an_unknown_zone_naming_the_field() -> None:
    with pytest.raises(ScheduleError, match=r"^--tz: unknown time zone 'Mars/Olympus'"):
        CronSchedule("0 2 * * *", "Mars/Olympus")


@pytest.mark.parametrize(
    ("expression", "start", "expected"),
    [
        ("@hourly", "2026-01-01T10:30:00Z", ["2026-01-01T11:00:00Z", "2026-01-01T12:00:00Z"]),
        ("@daily", "2026-01-01T10:30:00Z", ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"]),
        ("@weekly", "2026-01-01T10:30:00Z", ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]),
        ("@monthly", "2026-01-15T00:00:00Z", ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"]),
        ("*/20 * * * *", "2026-01-01T10:00:00Z", ["2026-01-01T10:20:00Z", "2026-01-01T10:40:00Z"]),
    ],
)  # fmt: skip
def test_it_gives_the_next_slots_of_expressions_and_aliases_in_utc(
    expression: str, start: str, expected: list[str]
) -> None:
    assert slots(CronSchedule(expression), start, 2) == expected


def test_it_reads_cron_on_the_wall_clock_of_the_zone() -> None:
    # 02:00 in New York is 07:00 UTC in winter and 06:00 UTC in summer.
    schedule = CronSchedule("0 2 * * *", "America/New_York")

    assert slots(schedule, "2026-01-10T00:00:00Z", 1) == ["2026-01-10T07:00:00Z"]
    assert slots(schedule, "2026-07-10T00:00:00Z", 1) == ["2026-07-10T06:00:00Z"]


def test_it_runs_a_slot_in_the_skipped_hour_once_when_the_clock_springs_forward() -> (
    None
):
    # 2026-03-08: New York jumps from 02:00 EST to 03:00 EDT; 02:00 does not exist,
    # so that day's run comes at 03:00 EDT (07:00 UTC), once.
    schedule = CronSchedule("0 2 * * *", "America/New_York")

    assert slots(schedule, "2026-03-07T00:00:00Z", 3) == [
        "2026-03-07T07:00:00Z",  # 02:00 EST
        "2026-03-08T07:00:00Z",  # 03:00 EDT, right after the gap
        "2026-03-09T06:00:00Z",  # 02:00 EDT
    ]


def test_it_runs_a_slot_once_on_the_day_the_clock_falls_back() -> None:
    # 2026-11-01: New York repeats 01:00-01:59; 02:00 EST (07:00 UTC) occurs once.
    daily = CronSchedule("0 2 * * *", "America/New_York")
    in_repeated_hour = CronSchedule("30 1 * * *", "America/New_York")

    assert slots(daily, "2026-10-31T00:00:00Z", 3) == [
        "2026-10-31T06:00:00Z",  # 02:00 EDT
        "2026-11-01T07:00:00Z",  # 02:00 EST
        "2026-11-02T07:00:00Z",
    ]
    assert slots(in_repeated_hour, "2026-10-31T12:00:00Z", 2) == [
        "2026-11-01T05:30:00Z",  # 01:30 EDT, the first of the two 01:30s
        "2026-11-02T06:30:00Z",
    ]


def test_it_merges_slots_moved_out_of_the_skipped_hour_with_real_ones() -> None:
    schedule = CronSchedule("*/30 * * * *", "America/New_York")

    assert slots(schedule, "2026-03-08T06:00:00Z", 4) == [
        "2026-03-08T06:30:00Z",  # 01:30 EST
        "2026-03-08T07:00:00Z",  # 02:00 EST = 03:00 EDT, run once
        "2026-03-08T07:30:00Z",  # 02:30 EST = 03:30 EDT
        "2026-03-08T08:00:00Z",
    ]


def test_it_gives_results_that_do_not_depend_on_the_hosts_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    found = []
    for zone in ("UTC", "Asia/Tokyo", "America/Los_Angeles"):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        found.append(
            slots(CronSchedule("0 2 * * *", "Europe/Paris"), "2026-03-28T00:00:00Z", 3)
        )
    monkeypatch.delenv("TZ")
    time.tzset()

    assert found[0] == found[1] == found[2]
    assert found[0] == [
        "2026-03-28T01:00:00Z",
        "2026-03-29T01:00:00Z",
        "2026-03-30T00:00:00Z",
    ]


def test_it_lists_missed_cron_slots_bounded_and_says_when_there_were_more() -> None:
    every_minute = CronSchedule("* * * * *")
    anchor = utc("2026-01-01T00:00:00Z")

    few, more_few = every_minute.recent_slots(anchor, utc("2026-01-01T00:02:30Z"), 100)
    # 200 days of minutes: only the latest three are ever computed.
    many, more_many = every_minute.recent_slots(anchor, utc("2026-07-20T00:00:00Z"), 3)

    assert [s.strftime("%H:%M") for s in few] == ["00:00", "00:01", "00:02"]
    assert not more_few
    assert [s.isoformat() for s in many] == [
        "2026-07-19T23:58:00+00:00", "2026-07-19T23:59:00+00:00", "2026-07-20T00:00:00+00:00",
    ]  # fmt: skip
    assert more_many


def test_it_counts_an_unaligned_anchor_as_a_slot_of_its_own() -> None:
    hourly = CronSchedule("@hourly")

    found, more = hourly.recent_slots(
        utc("2026-01-01T10:20:00Z"), utc("2026-01-01T11:30:00Z"), 100
    )

    assert [s.strftime("%H:%M") for s in found] == ["10:20", "11:00"]
    assert not more


def test_it_lists_missed_interval_slots_from_the_anchor() -> None:
    every_hour = IntervalSchedule(3600)
    anchor = utc("2026-01-01T00:10:00Z")

    found, more = every_hour.recent_slots(anchor, utc("2026-01-01T03:15:00Z"), 2)
    nothing, _ = every_hour.recent_slots(anchor, utc("2026-01-01T00:00:00Z"), 2)

    assert [s.strftime("%H:%M") for s in found] == ["02:10", "03:10"]
    assert more
    assert nothing == []
