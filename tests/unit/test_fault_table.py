"""The fault table's rows hold only what every run measures the same, and a stale table is
reported as a diff rather than rewritten behind the committer's back."""

from __future__ import annotations

from tests.support import fault_table

DOC = f"""# Ops

{fault_table.START}
{fault_table.HEADER}
| database killed | 0 | 0 | 0 | `database is back: replayed N spilled items` |
| disk full | 0 | 0 | 1 | `cannot write the journal in <data dir>/spill/journal ...` |
{fault_table.END}

after
"""


def test_counts_and_temporary_directories_leave_the_row():
    a = fault_table.row("database killed", {"lost": 0, "twice": 0}, 0,
                        "database is back: replayed 440 spilled items")
    b = fault_table.row("database killed", {"lost": 0, "twice": 0}, 0,
                        "database is back: replayed 264 spilled items")
    assert a == b == ("database killed", "0", "0", "0",
                      "`database is back: replayed N spilled items`")
    hung = fault_table.row("hung", {"lost": 0, "twice": 0}, 0,
                           "spilling batches, retrying every 0.3s; found 1 file(s); 1.0 MB free")
    assert hung[-1] == "`spilling batches, retrying every 0.3s; found N file(s); 1.0 MB free`"
    disk = fault_table.row("disk full", {"lost": 0, "twice": 0}, 1,
                           "cannot write the journal in /tmp/pytest-of-root/p7/test_x0/data/spill/"
                           "journal ...")
    assert disk[-1] == "`cannot write the journal in <data dir>/spill/journal ...`"


def test_measurements_equal_to_the_table_leave_it_unchanged(tmp_path):
    doc = tmp_path / "operations.md"
    doc.write_text(DOC, encoding="utf-8")
    measured = {"disk full": fault_table.row("disk full", {"lost": 0, "twice": 0}, 1,
                                             "cannot write the journal in /x/data/spill/journal ...")}
    assert fault_table.stale_diff(doc, measured) == ""
    assert not fault_table.write_docs(doc, measured)
    assert doc.read_text(encoding="utf-8") == DOC


def test_a_different_measurement_is_a_diff_and_the_file_is_left_alone(tmp_path):
    doc = tmp_path / "operations.md"
    doc.write_text(DOC, encoding="utf-8")
    measured = {"disk full": fault_table.row("disk full", {"lost": 3, "twice": 0}, 0, "ok"),
                "database hung": fault_table.row("database hung", {"lost": 0, "twice": 0}, 0,
                                                 "")}
    diff = fault_table.stale_diff(doc, measured)
    assert "-| disk full | 0 | 0 | 1 |" in diff and "+| disk full | 3 | 0 | 0 | `ok` |" in diff
    assert "+| database hung | 0 | 0 | 0 | - |" in diff
    assert doc.read_text(encoding="utf-8") == DOC  # checking never writes
    assert fault_table.write_docs(doc, measured)
    text = doc.read_text(encoding="utf-8")
    assert fault_table.stale_diff(doc, measured) == ""
    # Rows keep their place; the row not measured stays; new rows go last.
    lines = text.splitlines()
    assert [line.split(" | ")[0] for line in lines if line.startswith("| d")] == [
        "| database killed", "| disk full", "| database hung"]
    assert text.endswith(f"{fault_table.END}\n\nafter\n")
