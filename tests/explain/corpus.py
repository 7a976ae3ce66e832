"""The explain corpus (tests/explain/corpus/NN-name/): each directory is one job as a user writes it
(job.sql, or job.py with a hand-written SQL twin flink.sql for the real-Flink check), the events
(events.jsonl: sample envelopes with partition, offset and Kafka timestamp) and expected.json,
written by hand from Flink's semantics (the rule ids are in each case's ``note``), never generated
by running flinkdoctor:

* ``findings``: the ranked names explain must put first, most likely cause first;
* ``also``: names that must appear somewhere after them (warnings, info);
* ``allowed``: names that may appear (a consequence some renderings list, some fold in);
* ``absent``: names that must not appear; any other error-level finding fails the case;
* ``verdict`` (rows / empty / fails), ``sink_rows``, ``exit_code``;
* ``flink``: what real Flink 1.20.3 does with the same job and events, checked by
  test_corpus_flink.py (``rows``: an unbounded run emits exactly that many rows; ``fails``: the job
  fails with that text; ``unread``: latest-offset never reads what was produced before the start;
  ``uncommitted``: a streaming filesystem sink leaves only hidden in-progress files;
  ``uncommitted-kafka``: an exactly-once Kafka sink's rows stay in an open transaction;
  ``jdbc``: a JDBC sink writing to a real database holds ``visible`` of the ``rows`` the windows
  fired while the job runs, see test_corpus_flink.py::test_jdbc), or
  ``flink_unchecked`` saying why the harness cannot run it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).parent / "corpus"


@dataclass(frozen=True)
class CorpusCase:
    name: str
    directory: Path
    expected: dict[str, Any]

    @property
    def script(self) -> Path:
        return self.directory / str(self.expected["script"])

    @property
    def events(self) -> Path:
        return self.directory / str(self.expected["events"])

    @property
    def flink(self) -> dict[str, Any] | None:
        value = self.expected.get("flink")
        return dict(value) if value else None

    def flink_sql(self) -> str:
        """The SQL that real Flink runs: the job itself, or its hand-written twin for PyFlink."""
        flink = self.flink or {}
        return (self.directory / str(flink.get("sql", self.expected["script"]))).read_text()

    def envelopes(self) -> list[dict[str, Any]]:
        lines = self.events.read_text().splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def partitions(self) -> int:
        return max(int(e["partition"]) for e in self.envelopes()) + 1


def load_cases() -> list[CorpusCase]:
    cases = []
    for directory in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        expected = json.loads((directory / "expected.json").read_text())
        cases.append(CorpusCase(directory.name, directory, expected))
    return cases


CASES = load_cases()
