"""The fault table of docs/operations.md, written by the fault tests themselves.

Each fault test calls :func:`record` with what it measured (items lost, stored twice, the exit
code, the one line the operator sees); at the end of the session the rows measured replace the
rows of the same faults in the table, so the documentation says what the last run of the suite
saw, not what someone once typed."""

from __future__ import annotations

import re

from tests.support.crawl import ROOT

DOC = ROOT / "docs" / "operations.md"
START, END = "<!-- fault-table:start -->", "<!-- fault-table:end -->"
HEADER = ("| Fault injected | Items lost | Stored twice | Exit code | What the operator sees |\n"
          "|---|---|---|---|---|")
_ROWS: dict[str, tuple[str, ...]] = {}


def record(fault: str, numbers: dict[str, int], exit_code: int | None, message: str) -> None:
    text = re.sub(r"\s+", " ", message).replace("|", "\\|").replace("`", "'").strip()
    text = re.sub(r"/\S*?/data/", "<data dir>/", text)  # the test's temporary directory
    _ROWS[fault] = (fault, str(numbers["lost"]), str(numbers["twice"]),
                    "-" if exit_code is None else str(exit_code), f"`{text}`" if text else "-")


def _existing(block: str) -> dict[str, tuple[str, ...]]:
    rows = {}
    for line in block.splitlines()[2:]:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) == 5:
            rows[cells[0]] = tuple(cells)
    return rows


def write_docs() -> bool:
    """Merge the rows measured in this session into the table; True if the file changed."""
    if not _ROWS or not DOC.exists():
        return False
    text = DOC.read_text(encoding="utf-8")
    if START not in text or END not in text:
        return False
    head, rest = text.split(START, 1)
    block, tail = rest.split(END, 1)
    rows = {**_existing(block.strip()), **_ROWS}
    table = "\n".join([HEADER, *("| " + " | ".join(r) + " |" for r in rows.values())])
    new = f"{head}{START}\n{table}\n{END}{tail}"
    if new == text:
        return False
    DOC.write_text(new, encoding="utf-8")
    return True
