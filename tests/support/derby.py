"""A real Apache Derby network server for JDBC-sink tests: a plain JVM process on 127.0.0.1.

Usage::

    server = start_derby()                      # or the ``derby`` fixture of a test module
    server.run("db1", ["CREATE TABLE t (v INT)"])    # statements through Derby's own ij tool
    [rows] = server.run("db1", ["SELECT * FROM t"])  # one list of rows (cells as ij prints them)
    # Flink's JDBC sink writes to server.url("db1") with 'driver' = CLIENT_DRIVER (FLINK_JARS on
    # its classpath); a query here sees what the sink has committed, while the job still runs.
    server.close()

* Why a server: the Flink driver JVM is busy running the job (and its JVM is the one cancelled),
  so the table must live in another process that a test can query at any moment.
* Jars from Maven Central via the shared Maven helper (cached in ``$FLINKDOCTOR_CACHE`` or
  ``~/.cache/flinkdoctor``). Derby 10.14 is the last line that runs on Java 8+ without the
  split ``derbyshared`` jar, and the one flink-connector-jdbc 3.3's own tests use.
* Each database (a name) is created on first use: one per test keeps tests apart.
* Every ``run`` is one short ij JVM (~1-2 s); ``now()``-style readings come from the server's
  clock (``VALUES CURRENT_TIMESTAMP``, UTC), the same machine clock the test reads.
* ``close()`` stops the server (TERM, then KILL) and deletes its databases; the JVM also gets
  SIGTERM if the test process dies (Linux parent-death signal).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.support.flink import FlinkUnavailable, cache_root, maven_jars

DERBY_VERSION = "10.14.2.0"
JDBC_CONNECTOR = "org.apache.flink:flink-connector-jdbc:3.3.0-1.20"
CLIENT_DRIVER = "org.apache.derby.jdbc.ClientDriver"
FLINK_JARS = [JDBC_CONNECTOR, f"org.apache.derby:derbyclient:{DERBY_VERSION}"]
"""What Flink's classpath needs: the connector (shaded: core and every dialect) and the client."""
SERVER_JARS = [
    f"org.apache.derby:{name}:{DERBY_VERSION}"
    for name in ("derby", "derbynet", "derbytools", "derbyclient")
]
USER = PASSWORD = "fd"
START_TIMEOUT = 60.0
_JVM = ["-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Duser.timezone=UTC"]


class DerbyUnavailable(Exception):
    """The server cannot be provisioned or started here (no java, no Maven, JVM failure)."""


class DerbyError(Exception):
    """ij reported an error for a statement."""


@dataclass
class DerbyServer:
    process: subprocess.Popen[bytes]
    workdir: Path
    port: int
    java: str
    jars: list[Path]

    def url(self, database: str) -> str:
        """The JDBC URL of ``database`` (created on first connect)."""
        return f"jdbc:derby://127.0.0.1:{self.port}/{database};create=true"

    def run(
        self, database: str, statements: Sequence[str], timeout: float = 60.0
    ) -> list[list[list[str]]]:
        """Run ``statements`` (no trailing ';') in one ij session on ``database``; the rows of
        each statement that returned a result set, in order. Raises DerbyError on any error."""
        script = f"connect '{self.url(database)};user={USER};password={PASSWORD}';\n"
        script += "".join(s.strip() + ";\n" for s in statements)
        classpath = os.pathsep.join(str(j) for j in self.jars)
        done = subprocess.run(
            [self.java, *_JVM, "-cp", classpath, "org.apache.derby.tools.ij"],
            input=script,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        output = done.stdout
        errors = re.findall(r"^(?:ij> )*ERROR ", output, re.MULTILINE)
        if done.returncode != 0 or errors:
            raise DerbyError(f"ij failed ({done.returncode}):\n{output[-2000:]}{done.stderr}")
        return parse_ij(output)

    def close(self) -> None:
        """Stop the server (TERM, then KILL after 15 s) and delete its databases."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        shutil.rmtree(self.workdir, ignore_errors=True)


def parse_ij(output: str) -> list[list[list[str]]]:
    """Result sets in ij's output: a header, a line of dashes, rows of '|'-separated cells, a
    blank line, then "N row(s) selected"."""
    results = []
    for chunk in output.split("ij> ")[1:]:
        lines = chunk.splitlines()
        dashes = next((i for i, ln in enumerate(lines) if ln and set(ln) == {"-"}), None)
        if dashes is None:
            continue
        rows = []
        for line in lines[dashes + 1 :]:
            if not line.strip():
                break
            rows.append([cell.strip() for cell in line.split("|")])
        results.append(rows)
    return results


def start_derby() -> DerbyServer:
    """Provision and start a network server on a free port; ready when this returns."""
    java = shutil.which("java")
    if java is None:
        raise DerbyUnavailable("the Derby test server needs java on PATH")
    try:
        jars = maven_jars(cache_root(), SERVER_JARS)
    except FlinkUnavailable as error:  # the shared Maven helper's error type
        raise DerbyUnavailable(str(error)) from error
    workdir = Path(tempfile.mkdtemp(prefix="flinkdoctor-derby-"))
    port = _free_port()
    classpath = os.pathsep.join(str(j) for j in jars)
    command = [java, *_JVM, f"-Dderby.system.home={workdir}", "-cp", classpath]
    command += ["org.apache.derby.drda.NetworkServerControl", "start"]
    command += ["-h", "127.0.0.1", "-p", str(port), "-noSecurityManager"]
    with open(workdir / "server.log", "wb") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    server = DerbyServer(process, workdir, port, java, jars)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (workdir / "server.log").read_text(errors="replace")[-2000:]
            server.close()
            raise DerbyUnavailable(f"the Derby server exited early:\n{log}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return server
        time.sleep(0.3)
    server.close()
    raise DerbyUnavailable(f"the Derby server did not listen within {START_TIMEOUT:.0f} s")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to SIGTERM it when the test process dies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
