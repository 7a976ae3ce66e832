"""Write docs/rules/ from the rules' code (``--check``: exit 1 when the files are out of date).

python tools/gen_rule_docs.py            # rewrite docs/rules/*.md
python tools/gen_rule_docs.py --check    # what the test and CI check
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flinkdoctor.lint.docgen import GENERATED, pages

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules"


def stale(directory: Path = DOCS) -> list[str]:
    """Files under ``directory`` that differ from the generated ones, or should not be there."""
    wanted = pages()
    out = [name for name, text in wanted.items() if _read(directory / name) != text]
    out += [
        p.name
        for p in sorted(directory.glob("*.md"))
        if p.name not in wanted and GENERATED in p.read_text(encoding="utf-8")
    ]
    return out


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def write(directory: Path = DOCS) -> list[str]:
    """Rewrite what is stale; the names written or removed."""
    changed = stale(directory)
    wanted = pages()
    directory.mkdir(parents=True, exist_ok=True)
    for name in changed:
        if name in wanted:
            (directory / name).write_text(wanted[name], encoding="utf-8")
        else:
            (directory / name).unlink()
    return changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args()
    if args.check:
        changed = stale()
        for name in changed:
            print(f"docs/rules/{name} is out of date: run python tools/gen_rule_docs.py")
        return 1 if changed else 0
    for name in write():
        print(f"wrote docs/rules/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
