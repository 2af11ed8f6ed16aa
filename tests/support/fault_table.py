"""The fault table of docs/operations.md, produced by the fault tests themselves.

Each fault test calls :func:`record` with what it measured (items lost, stored twice, the exit
code, the one line the operator sees). At the end of the session the measured rows are compared
with the committed table: a run that measures something else than the documentation says fails
with a diff, so the table cannot go stale and a green run leaves the file unchanged.
`FAULT_TABLE_WRITE=1` (or `make fault-table`) writes the measured rows instead.

Only properties that hold on every run go into a row: counts that vary with timing (how many
items a replay moved) are written as N, the test's temporary directory as <data dir>."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from tests.support.crawl import ROOT

DOC = ROOT / "docs" / "operations.md"
START, END = "<!-- fault-table:start -->", "<!-- fault-table:end -->"
HEADER = ("| Fault injected | Items lost | Stored twice | Exit code | What the operator sees |\n"
          "|---|---|---|---|---|")
WRITE_ENV = "FAULT_TABLE_WRITE"
_ROWS: dict[str, tuple[str, ...]] = {}


def row(fault: str, numbers: dict[str, int], exit_code: int | None,
        message: str) -> tuple[str, ...]:
    """One table row, with everything that differs from run to run taken out of the message."""
    text = re.sub(r"\s+", " ", message).replace("|", "\\|").replace("`", "'").strip()
    text = re.sub(r"/\S*?/data/", "<data dir>/", text)  # the test's temporary directory
    # Counts of items or files depend on timing; a setting's value (0.3s, 1.0 MB) does not.
    text = re.sub(r"(?<![\w.])\d+(?![\w]|\.\d)", "N", text)
    return (fault, str(numbers["lost"]), str(numbers["twice"]),
            "-" if exit_code is None else str(exit_code), f"`{text}`" if text else "-")


def record(fault: str, numbers: dict[str, int], exit_code: int | None, message: str) -> None:
    _ROWS[fault] = row(fault, numbers, exit_code, message)


def _existing(block: str) -> dict[str, tuple[str, ...]]:
    rows = {}
    for line in block.splitlines()[2:]:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) == 5:
            rows[cells[0]] = tuple(cells)
    return rows


def merged(text: str, measured: dict[str, tuple[str, ...]]) -> str:
    """`text` (the document) with the measured rows in its table; rows not measured in this
    session stay as they are, in their place, new ones go last. Unchanged text without markers."""
    if START not in text or END not in text or not measured:
        return text
    head, rest = text.split(START, 1)
    block, tail = rest.split(END, 1)
    rows = {**_existing(block.strip()), **measured}
    table = "\n".join([HEADER, *("| " + " | ".join(r) + " |" for r in rows.values())])
    return f"{head}{START}\n{table}\n{END}{tail}"


def stale_diff(doc: Path = DOC, measured: dict[str, tuple[str, ...]] | None = None) -> str:
    """A unified diff from the committed table to what this session measured; '' when equal."""
    if not doc.exists():
        return ""
    text = doc.read_text(encoding="utf-8")
    new = merged(text, _ROWS if measured is None else measured)
    return "".join(difflib.unified_diff(
        text.splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile=f"{doc.name} (committed)", tofile=f"{doc.name} (measured by this run)"))


def write_docs(doc: Path = DOC, measured: dict[str, tuple[str, ...]] | None = None) -> bool:
    """Write the measured rows into the table; True if the file changed."""
    if not doc.exists():
        return False
    text = doc.read_text(encoding="utf-8")
    new = merged(text, _ROWS if measured is None else measured)
    if new == text:
        return False
    doc.write_text(new, encoding="utf-8")
    return True
