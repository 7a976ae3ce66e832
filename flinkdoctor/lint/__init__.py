"""Static rules over a parsed script: what the script alone shows will keep the sink empty, fail
the job, or put it at risk. One rule, one unit (``flinkdoctor.lint.rules``), used by both
``flinkdoctor lint`` and ``flinkdoctor explain``.

Usage::

    from flinkdoctor.lint import check_script
    findings = check_script(script)          # sql.model.Script -> list[Finding], sorted
"""

from flinkdoctor.lint.registry import RULES, rule_named
from flinkdoctor.lint.rule import LintContext, Rule
from flinkdoctor.lint.runner import check_script

__all__ = ["RULES", "LintContext", "Rule", "check_script", "rule_named"]
