"""Shared pytest fixtures. Fixture logic lives in tests/support; this file only exposes it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.flink import FlinkRuntime, flink_fixture_value
from tests.support.kafka import kafka_broker  # noqa: F401 - the session fixture, see its module


@pytest.fixture(scope="session")
def flink() -> Iterator[FlinkRuntime]:
    """Real Flink 1.20.3 (one driver JVM per session). Fails in CI if it cannot be provisioned."""
    runtime = flink_fixture_value()
    yield runtime
    runtime.close()
