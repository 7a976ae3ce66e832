"""``StatusWatermarkValve``: combine the watermarks of a task's input channels (R2.6).

Output = min over *aligned, active* channels, emitted only when it rises. A channel that goes idle
leaves the min; when all are idle the valve flushes the max (FLINK-7728) and goes idle itself; a
resumed channel rejoins the min only once its watermark catches up with the last output. While the
output is idle, incoming watermarks are ignored.

The min is kept in a heap (entries checked against the channel when they reach the top) and the
idle channels are counted, so a status or watermark costs O(log n), not O(n): a source with the
maximum parallelism (32768 subtasks, most of them idle) replays in seconds, not minutes.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Protocol

from flinkdoctor.engine.timeutil import LONG_MIN


class WatermarkOutput(Protocol):
    """Where a source subtask sends its watermarks and statuses (the valve, possibly through a
    chained operator such as the local window aggregate)."""

    def input_watermark(self, index: int, watermark: int) -> None: ...

    def input_status(self, index: int, idle: bool) -> None: ...


class Channel:
    """One input channel's view in the valve."""

    __slots__ = ("aligned", "idle", "watermark")

    def __init__(self) -> None:
        self.watermark = LONG_MIN
        self.idle = False
        self.aligned = True


class StatusWatermarkValve:
    """Calls ``on_watermark(wm)`` whenever the combined watermark advances."""

    __slots__ = (
        "_heap",
        "_idle_count",
        "channels",
        "idle",
        "last_output",
        "on_idle_change",
        "on_watermark",
    )

    def __init__(
        self,
        num_channels: int,
        on_watermark: Callable[[int], None],
        on_idle_change: Callable[[bool], None] | None = None,
    ) -> None:
        self.channels = [Channel() for _ in range(num_channels)]
        self._heap: list[tuple[int, int]] = [(LONG_MIN, i) for i in range(num_channels)]
        """(watermark, channel) of the aligned, active channels; an entry whose channel has
        moved on (another watermark, idle, not aligned) is dropped when it reaches the top."""
        self._idle_count = 0
        self.last_output = LONG_MIN
        self.idle = False
        self.on_watermark = on_watermark
        self.on_idle_change = on_idle_change

    def input_watermark(self, index: int, watermark: int) -> None:
        """A watermark from channel ``index``."""
        channel = self.channels[index]
        if self.idle or channel.idle:
            return
        if watermark <= channel.watermark:
            return
        channel.watermark = watermark
        if not channel.aligned and watermark >= self.last_output:
            channel.aligned = True
        if channel.aligned:
            heap = self._heap
            if len(heap) == 1 and heap[0][1] == index:
                # the one aligned, active channel (the others idle): its entry is the min
                heap[0] = (watermark, index)
                if watermark > self.last_output:
                    self.last_output = watermark
                    self.on_watermark(watermark)
                return
            heapq.heappush(heap, (watermark, index))
        self._output_min()

    def input_status(self, index: int, idle: bool) -> None:
        """An IDLE (``idle=True``) or ACTIVE status from channel ``index``."""
        channel = self.channels[index]
        if idle and not channel.idle:
            channel.idle = True
            channel.aligned = False
            self._idle_count += 1
            if self._idle_count == len(self.channels):
                if channel.watermark == self.last_output:
                    self._output_max()
                self.idle = True
                if self.on_idle_change is not None:
                    self.on_idle_change(True)
            elif channel.watermark == self.last_output:
                self._output_min()
        elif not idle and channel.idle:
            channel.idle = False
            self._idle_count -= 1
            if channel.watermark >= self.last_output:
                channel.aligned = True
                heapq.heappush(self._heap, (channel.watermark, index))
            if self.idle:
                self.idle = False
                if self.on_idle_change is not None:
                    self.on_idle_change(False)

    def _output_min(self) -> None:
        heap, channels = self._heap, self.channels
        while heap:
            watermark, index = heap[0]
            channel = channels[index]
            if channel.aligned and not channel.idle and channel.watermark == watermark:
                break
            heapq.heappop(heap)  # stale: the channel moved on since this entry
        if heap:
            low = heap[0][0]
            if low > self.last_output:
                self.last_output = low
                self.on_watermark(low)

    def _output_max(self) -> None:
        high = max(c.watermark for c in self.channels)
        if high > self.last_output:
            self.last_output = high
            self.on_watermark(high)
