"""``WatermarksWithIdleness.IdlenessTimer``: idleness by record *activity*, in processing time.

Checked only at periodic emission (R2.4): the first check without activity records the start of
inactivity, and the output is idle once ``now - start > timeout`` (strictly). Every record counts
as activity, whether or not its rowtime produced a watermark (seed-case.md §3.8).
"""

from __future__ import annotations


class IdlenessTimer:
    """One split's (or the main output's) idleness bookkeeping."""

    __slots__ = ("counter", "last_counter", "start_of_inactivity", "timeout")

    def __init__(self, timeout: int) -> None:
        self.timeout = timeout
        self.counter = 0
        self.last_counter = 0
        self.start_of_inactivity: int | None = None

    def activity(self) -> None:
        """A record was emitted on this output."""
        self.counter += 1

    def check_if_idle(self, now: int) -> bool:
        """The periodic check; True means the output is (still) idle."""
        if self.counter != self.last_counter:
            self.last_counter = self.counter
            self.start_of_inactivity = None
            return False
        if self.start_of_inactivity is None:
            self.start_of_inactivity = now
            return False
        return now - self.start_of_inactivity > self.timeout

    def idle_deadline(self) -> int | None:
        """The first processing time after which a check, with no new activity, reports idle."""
        if self.counter != self.last_counter:
            return None  # the next check only resets the timer: any time will do
        if self.start_of_inactivity is None:
            return None
        return self.start_of_inactivity + self.timeout + 1
