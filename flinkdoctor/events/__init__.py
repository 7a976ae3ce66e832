"""Events: the Record model, readers for events files, and (in ``events.kafka``) the Kafka sampler.

Usage::

    from flinkdoctor.events import read_events, field_path, MISSING

    for record in read_events("events.jsonl"):          # a path, "-" for stdin, or lines
        when = field_path(record.value, "event_time")   # MISSING if the key is absent
        ...

``read_events`` streams (32 KiB at a time, memory bounded) and accepts, detected per file from
the first non-blank line (details in ``flinkdoctor.events.formats``):

- plain JSONL, one event value (a JSON object) per line -> ``Record(value=obj,
  source="file:line")``;
- ``flinkdoctor sample`` files (``partition, offset, timestamp, timestamp_type, key, value,
  headers``) -> Records with Kafka coordinates, so a live problem can be replayed offline;
- ``kcat -C -J`` output (``payload`` is a JSON string, decoded here).

Blank lines are skipped. A bad line raises ``flinkdoctor.errors.InputError`` whose text is
``file:line: reason: 'the offending text, truncated'`` (exit 2, one line, no traceback).
Payloads that are not JSON inside envelopes are not errors: ``value`` is None, ``raw_base64`` keeps
the bytes and ``decode_error`` says why.

Secrets: ``redact_options`` masks passwords, JAAS passwords and URL credentials in any options
mapping before it is printed; every command that shows WITH options must pass them through it.
"""

from flinkdoctor.events.fields import MISSING, field_path, split_path
from flinkdoctor.events.formats import EventFormat, decode_payload, record_to_envelope
from flinkdoctor.events.reader import parse_lines, read_events
from flinkdoctor.events.record import Record
from flinkdoctor.events.redact import redact_jaas, redact_options, scrub

__all__ = [
    "MISSING",
    "EventFormat",
    "Record",
    "decode_payload",
    "field_path",
    "parse_lines",
    "read_events",
    "record_to_envelope",
    "redact_jaas",
    "redact_options",
    "scrub",
    "split_path",
]
