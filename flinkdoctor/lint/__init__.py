"""Static rules over a parsed script: what the script alone shows will keep the sink empty, fail
the job, or put it at risk. One rule, one unit (``flinkdoctor.lint.rules``), used by both
``flinkdoctor lint`` and ``flinkdoctor explain``.

Usage::

    from flinkdoctor.lint import check_script, load_for_lint
    findings = check_script(script)          # sql.model.Script -> list[Finding], sorted
    script = load_for_lint(text, "job.sql")  # an oversized INTERVAL is a finding, not an error
    findings = check_script(script, text=text)   # ... and fixes carry their line edits
"""

from flinkdoctor.lint.load import load_for_lint
from flinkdoctor.lint.registry import RULES, rule_named
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.lint.runner import check_script

__all__ = ["RULES", "LintContext", "Rule", "check_script", "load_for_lint", "rule_named"]
