"""When a job is due: cron expressions in a time zone, and fixed intervals.

Every slot is an aware UTC datetime. A cron expression is read on the wall clock of its
zone (UTC unless the job names one), so ``0 2 * * *`` in America/New_York means 02:00 New
York time whatever the host's TZ. Two days a year the wall clock misbehaves:

- spring forward: a slot in the skipped hour (02:00-02:59) runs when the clock jumps, at
  the same distance past the gap (02:00 -> 03:00 EDT); slots that then coincide with a
  real slot run once;
- fall back: a slot in the repeated hour (01:00-01:59) runs once, the first time it
  occurs (EDT).

An interval counts real seconds from its anchor and never moves with the clock.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ptt.errors import InvalidJobError, ScheduleError

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

MIN_INTERVAL_SECONDS = 60
ALIASES = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw]?)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
# A guard against an expression that matches nothing for years (``0 0 30 2 *``).
_MAX_STEPS = 10_000


def parse_duration(text: str, *, field: str = "duration") -> int:
    """Return the seconds of a duration like ``90s``, ``15m``, ``6h`` or ``1d``."""
    match = _DURATION.match(text or "")
    if not match:
        raise InvalidJobError(
            f"{field}: '{text}' is not a duration (use e.g. 90s, 15m, 6h, 1d)"
        )

    return int(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]


def format_duration(seconds: int) -> str:
    """Return seconds as the shortest exact duration text (``90s``, ``15m``, ``1d``)."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def load_zone(name: str) -> ZoneInfo:
    """Return the zone named ``name`` (an IANA name such as America/New_York)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidJobError(
            f"--tz: unknown time zone '{name}' (use an IANA name such as "
            "America/New_York or UTC)"
        ) from None


class Schedule(Protocol):
    """What the runner asks of a schedule."""

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        """Return the first slot strictly after ``moment``."""
        ...

    def recent_slots(
        self, anchor: dt.datetime, now: dt.datetime, limit: int
    ) -> tuple[list[dt.datetime], bool]:
        """Return up to ``limit`` latest slots in [anchor, now], oldest first."""
        ...

    def describe(self) -> str:
        """Return the schedule as people write it."""
        ...


@dataclass(frozen=True)
class IntervalSchedule:
    """A slot every ``seconds`` seconds, counted from an anchor."""

    seconds: int

    def __post_init__(self) -> None:
        if self.seconds < MIN_INTERVAL_SECONDS:
            raise InvalidJobError(
                f"--interval: {self.seconds}s is too short (the minimum is "
                f"{MIN_INTERVAL_SECONDS}s, the tick runs once a minute)"
            )

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        """Return ``moment`` plus one interval."""
        return moment + dt.timedelta(seconds=self.seconds)

    def recent_slots(
        self, anchor: dt.datetime, now: dt.datetime, limit: int
    ) -> tuple[list[dt.datetime], bool]:
        """Return the latest slots anchor + k * interval that are not after now."""
        if anchor > now:
            return [], False

        count = int((now - anchor).total_seconds()) // self.seconds + 1
        first = max(0, count - limit)
        step = dt.timedelta(seconds=self.seconds)
        return [anchor + step * k for k in range(first, count)], first > 0

    def describe(self) -> str:
        """Return ``every 15m``."""
        return f"every {format_duration(self.seconds)}"


@dataclass(frozen=True)
class CronSchedule:
    """The slots of a five-field cron expression on the wall clock of a zone."""

    expression: str
    zone_name: str = "UTC"

    def __post_init__(self) -> None:
        load_zone(self.zone_name)
        from croniter import croniter

        fields = self.expression.split()
        if not fields:
            raise InvalidJobError("--cron: the expression is empty")

        expanded = ALIASES.get(fields[0].lower(), self.expression)
        if fields[0].startswith("@") and fields[0].lower() not in ALIASES:
            raise InvalidJobError(
                f"--cron: unknown alias '{fields[0]}' (known: "
                f"{', '.join(sorted(ALIASES))})"
            )
        if len(expanded.split()) != 5:
            raise InvalidJobError(
                f"--cron: '{self.expression}' needs 5 fields (minute hour day month "
                "weekday) or an alias such as @daily"
            )
        if not croniter.is_valid(expanded):
            raise InvalidJobError(
                f"--cron: '{self.expression}' is not a valid expression"
            )

        try:
            self._first_after(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        except ScheduleError:
            raise InvalidJobError(
                f"--cron: '{self.expression}' never matches a real date"
            ) from None

    @property
    def _expanded(self) -> str:
        first = self.expression.split()[0].lower()
        return ALIASES.get(first, self.expression)

    def _zone(self) -> ZoneInfo:
        return load_zone(self.zone_name)

    def _to_utc(self, wall: dt.datetime) -> dt.datetime:
        # fold=0 puts a repeated wall time at its first occurrence and a skipped one at
        # the same distance past the gap: the behaviour the module docstring states.
        return wall.replace(tzinfo=self._zone(), fold=0).astimezone(dt.UTC)

    def _walls(self, start: dt.datetime, *, forward: bool) -> Iterator[dt.datetime]:
        from croniter import croniter

        iterator = croniter(self._expanded, start)
        for _ in range(_MAX_STEPS):
            try:
                if forward:
                    yield iterator.get_next(dt.datetime)
                else:
                    yield iterator.get_prev(dt.datetime)
            except ValueError:
                # croniter gives up on expressions that match no date for years.
                return

    def _wall_of(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self._zone()).replace(tzinfo=None, fold=0)

    def _first_after(self, moment: dt.datetime) -> dt.datetime:
        for wall in self._walls(self._wall_of(moment), forward=True):
            slot = self._to_utc(wall)
            if slot > moment:
                return slot
        raise InvalidJobError(f"--cron: '{self.expression}' found no next slot")

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        """Return the first slot strictly after ``moment``."""
        # In the repeated hour the wall clock steps back, so a wall time just after
        # ``moment`` can map to an instant before it: keep stepping until it does not.
        return self._first_after(moment)

    def recent_slots(
        self, anchor: dt.datetime, now: dt.datetime, limit: int
    ) -> tuple[list[dt.datetime], bool]:
        """Return up to ``limit`` latest slots in [anchor, now], and whether more were."""
        if anchor > now:
            return [], False

        # Newest first: the cron slots after the anchor, then the anchor itself, which
        # is a slot of its own when a lease was reclaimed at that time.
        newest_first: list[dt.datetime] = []
        start = self._wall_of(now) + dt.timedelta(seconds=1)
        for wall in self._walls(start, forward=False):
            slot = self._to_utc(wall)
            if slot > now or (newest_first and slot >= newest_first[-1]):
                continue
            if slot <= anchor:
                break
            newest_first.append(slot)
            if len(newest_first) > limit:
                break
        if len(newest_first) <= limit:
            newest_first.append(anchor)

        more = len(newest_first) > limit
        return list(reversed(newest_first[:limit])), more

    def describe(self) -> str:
        """Return the expression, with its zone when not UTC."""
        if self.zone_name == "UTC":
            return self.expression
        return f"{self.expression} ({self.zone_name})"


def schedule_of(
    *, cron: str | None, interval_seconds: int | None, zone: str = "UTC"
) -> Schedule:
    """Return the schedule a stored job describes."""
    if cron is not None:
        return CronSchedule(cron, zone)
    if interval_seconds is not None:
        return IntervalSchedule(interval_seconds)
    raise InvalidJobError("a job needs --cron or --interval")
