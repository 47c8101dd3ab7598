"""Plausible timestamps relative to the sandbox's ``today`` (whole seconds, UTC)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta


class Timeline:
    """``anchor`` is midnight UTC at the start of ``today``: everything recorded is before it."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.anchor = datetime.combine(today, time(0), tzinfo=UTC)
        self.latest = self.anchor - timedelta(minutes=1)

    def business_time(self, rng: random.Random, day: date) -> datetime:
        """A moment in US shop hours (about 08:00-18:00 Eastern) on ``day``."""
        start = datetime.combine(day, time(12, 0), tzinfo=UTC)
        return start + timedelta(seconds=rng.randrange(10 * 3600))

    def days_ago(self, rng: random.Random, low: int, high: int) -> datetime:
        """Business hours on a day ``low``..``high`` days before today (low >= 1)."""
        days = rng.randint(max(1, low), max(1, low, high))
        return self.business_time(rng, self.today - timedelta(days=days))

    def days_ahead(self, rng: random.Random, low: int, high: int) -> datetime:
        days = rng.randint(low, max(low, high))
        return self.business_time(rng, self.today + timedelta(days=days))

    def between(self, rng: random.Random, start: datetime, end: datetime) -> datetime:
        """Uniform in [start, end), capped to the past; ``start`` when the span is empty."""
        end = min(end, self.latest)
        span = int((end - start).total_seconds())
        if span <= 0:
            return min(start, self.latest)
        return start + timedelta(seconds=rng.randrange(span))

    def after(
        self, rng: random.Random, start: datetime, min_hours: float, max_hours: float
    ) -> datetime:
        low = start + timedelta(hours=min_hours)
        return self.between(rng, low, start + timedelta(hours=max_hours))

    def cap(self, value: datetime) -> datetime:
        return min(value, self.latest)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (earlier when negative); days past the 28th become the
    28th, so every month has the day."""
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, min(day.day, 28))
