"""Data-driven causes: a script, events and replays turned into ``Finding``s.

- ``explain``: every cause of an empty or wrong sink, ranked, with verified fixes
  (``explain(script_text, source_name, events_factory, options) -> ExplainResult``);
- ``rowtime_data``: the events against the DDL's rowtime (field, conversion, epoch units);
- ``replay_findings``: one ``SimulationResult`` as findings;
- ``sinks``: what a sink makes visible, where a Kafka source starts;
- ``edits``: edits of the user's file, applied to a copy and shown as a diff;
- ``pattern_check`` / ``rowtime`` / ``fields``: the check-pattern core.
"""
