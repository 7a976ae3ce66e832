"""The partition scan before simulate-windows skips blocks with no envelope quickly, and still
names the right line of a bad partition id after them (several read chunks of plain lines)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.cli.conftest import Run

SEED = Path(__file__).parents[2] / "examples" / "seed"


def test_bad_partition_after_many_plain_lines_names_its_line(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    plain = json.dumps({"event_time": "2024-12-14T03:00:05.123Z", "host": "h"}) + "\n"
    bad = json.dumps({"partition": -3, "offset": 0, "timestamp": None, "value": {}}) + "\n"
    events = tmp_path / "ev.jsonl"
    events.write_text(plain * 5000 + bad + plain)  # ~300 kB: five 64 kB chunks before it
    run = cli("simulate-windows", str(SEED / "case2_seed_fixed.sql"), "--events", str(events))
    assert run.code == 2
    assert run.err.startswith(f"flinkdoctor: error: {events}:5001: "), run.err


def _line_by_line(path: Path) -> int | None:
    """The scan's meaning, one line at a time (the first "partition" of a line with an
    "offset"), written out again as the oracle for the block-wise reading."""
    import re

    highest = -1
    for line in path.read_bytes().split(b"\n"):
        found = re.search(rb'"partition"\s*:\s*(-?\d+)', line)
        if found is not None and re.search(rb'"offset"\s*:', line) is not None:
            highest = max(highest, int(found.group(1)))
    return highest + 1 if highest >= 0 else None


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["compact", "spaced", "nested", "no-offset", "plain"]),
            st.integers(0, 70_000),
            st.integers(0, 9),
        ),
        min_size=1,
        max_size=60,
    ),
    st.integers(1, 4000),
)
def test_block_wise_scan_equals_line_by_line(
    shapes: list[tuple[str, int, int]], repeat: int
) -> None:
    """Compact envelope lines (``{"partition":N,"offset":...``, read block-wise at C speed)
    mixed with spaced ones, a partition nested in the value, lines without an offset and
    plain events: the same count as the line-by-line reading, over several 64 kB blocks."""
    from flinkdoctor.cli.partition_scan import scan_partitions

    lines = []
    for shape, partition, nested in shapes:
        value = {"v": nested, "partition": partition + 1} if shape == "nested" else {"v": 1}
        if shape in ("compact", "nested"):
            lines.append(
                json.dumps(
                    {"partition": partition, "offset": 0, "value": value}, separators=(",", ":")
                )
            )
        elif shape == "spaced":
            lines.append(json.dumps({"partition": partition, "offset": 0, "value": value}))
        elif shape == "no-offset":
            lines.append(json.dumps({"partition": partition, "value": value}))
        else:
            lines.append(json.dumps(value))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ev.jsonl"
        path.write_text("\n".join(lines * (repeat // len(lines) + 1)) + "\n")
        assert scan_partitions(path, "ev.jsonl") == _line_by_line(path)


def _compact(partition: int, offset: int) -> str:
    return json.dumps(
        {"partition": partition, "offset": offset, "value": {"v": 1}}, separators=(",", ":")
    )


def test_bad_partition_after_many_compact_lines_names_its_line(tmp_path: Path) -> None:
    """Blocks of compact lines with ids seen before are read without counting their lines; a
    bad id after them (in a compact block, and on its own unfinished last line) still names
    its line, counted from the start of the file."""
    from flinkdoctor.cli.partition_scan import scan_partitions
    from flinkdoctor.errors import InputError

    good = [_compact(i % 3, i // 3) for i in range(20_000)]  # ~1 MB: many 64 kB blocks
    for bad, last in ((-1, False), (-3, True), (2**31, False)):
        path = tmp_path / "ev.jsonl"
        lines = [*good, _compact(bad, 0)] + ([] if last else good[:50])
        path.write_text("\n".join(lines) + ("" if last else "\n"))
        try:
            scan_partitions(path, "ev.jsonl")
        except InputError as error:
            assert str(error) == (
                f"ev.jsonl:20001: partition {bad} is not a Kafka partition id (0 to 2147483647)"
            )
        else:
            raise AssertionError(f"partition {bad} was accepted")


def test_a_new_id_after_many_compact_blocks_counts(tmp_path: Path) -> None:
    from flinkdoctor.cli.partition_scan import scan_partitions

    lines = [_compact(i % 2, i) for i in range(20_000)]
    path = tmp_path / "ev.jsonl"
    for new, expected in ((1, 2), (5, 6), (12, 13), (10, 11)):
        path.write_text("\n".join([*lines, _compact(new, 0), *lines[:10]]) + "\n")
        assert scan_partitions(path, "ev.jsonl") == expected
