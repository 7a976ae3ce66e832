"""Shared pytest fixtures. Fixture logic lives in tests/support; this file only exposes it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from tests.support.flink import FlinkRuntime, flink_fixture_value
from tests.support.kafka import kafka_broker  # noqa: F401 - the session fixture, see its module

# No per-example deadline (a loaded 2-core CI machine is slow, not wrong); in CI, a fixed
# derandomised search so a run is reproducible, locally a fresh one that keeps exploring.
settings.register_profile(
    "flinkdoctor", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "flinkdoctor-ci", parent=settings.get_profile("flinkdoctor"), derandomize=True, print_blob=True
)
settings.load_profile("flinkdoctor-ci" if os.environ.get("CI") == "true" else "flinkdoctor")


@pytest.fixture(scope="session")
def flink() -> Iterator[FlinkRuntime]:
    """Real Flink 1.20.3 (one driver JVM per session). Fails in CI if it cannot be provisioned."""
    runtime = flink_fixture_value()
    yield runtime
    runtime.close()
