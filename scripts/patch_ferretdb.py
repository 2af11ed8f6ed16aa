"""Patch FerretDB v1.24.2's SQLite backend so lookups by _id use the _id index.

Why: v1.24.2 creates the _id index on the expression `_ferretdb_sjson->"_id"` but queries
`_ferretdb_sjson->'$._id'`. SQLite only uses an expression index for the same expression, so every
find, update and delete by _id scans the whole collection: measured on this machine, updates by
_id fell from ~1,000/s at 100 documents to 57/s at 5,000 (`EXPLAIN QUERY PLAN` says `SCAN`). And
only a filter that is exactly `{_id: <string>}` was pushed down at all, so `{_id: x, field: y}` or
`{_id: {$in: [...]}}` scanned even with a working index.

The patch (1) queries the indexed expression and (2) pre-selects rows by _id whenever the filter
pins `_id` to a string/ObjectID or to an `$in` list of them. It is a pre-selection only: every
handler that queries (find, count, distinct, update, delete, findAndModify, aggregate) still applies
the whole filter to the rows returned, as it does for upstream's own `{_id: <string>}` pushdown, so
results are unchanged. tests/test_ferretdb_patch.py checks both the plan and the results.

Usage: patch_ferretdb.py SOURCE_DIR. Fails loudly if the source is not the expected text.
"""

from __future__ import annotations

import sys
from pathlib import Path

METADATA = "internal/backends/sqlite/metadata/metadata.go"
COLLECTION = "internal/backends/sqlite/collection.go"

ID_COLUMN_OLD = """IDColumn = DefaultColumn + "->'$._id'\""""
ID_COLUMN_NEW = 'IDColumn = DefaultColumn + `->"_id"`'

QUERY_OLD = """	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			whereClause = fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}
"""
QUERY_NEW = """	whereClause, args = idPreselect(params.Filter)
"""

EXPLAIN_OLD = """	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			filterPushdown = true
			whereClause = fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}
"""
EXPLAIN_NEW = """	whereClause, args = idPreselect(params.Filter)
	filterPushdown = whereClause != "" && params.Filter.Len() == 1
"""

HELPER = """
// idPreselect narrows a query to the rows whose _id the filter pins (a string or ObjectID, or an
// $in list of them) through the _id index. The caller still applies the whole filter.
// Added by the news crawler's scripts/patch_ferretdb.py.
func idPreselect(filter *types.Document) (string, []any) {
	if filter == nil {
		return "", nil
	}

	v, err := filter.Get("_id")
	if err != nil {
		return "", nil
	}

	switch v := v.(type) {
	case string, types.ObjectID:
		return fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn), []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
	case *types.Document:
		if v.Len() != 1 {
			return "", nil
		}

		in, err := v.Get("$in")
		if err != nil {
			return "", nil
		}

		arr, ok := in.(*types.Array)
		if !ok || arr.Len() == 0 || arr.Len() > 1000 {
			return "", nil
		}

		args := make([]any, 0, arr.Len())

		for i := 0; i < arr.Len(); i++ {
			e := must.NotFail(arr.Get(i))
			switch e.(type) {
			case string, types.ObjectID:
				args = append(args, string(must.NotFail(sjson.MarshalSingleValue(e))))
			default:
				return "", nil
			}
		}

		placeholders := strings.Repeat("?, ", len(args)-1) + "?"

		return fmt.Sprintf(` WHERE %s IN (%s)`, metadata.IDColumn, placeholders), args
	}

	return "", nil
}
"""


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    if text.count(old) != 1:
        raise SystemExit(f"patch_ferretdb: {path} does not contain the expected text once; "
                         "is this FerretDB v1.24.2?")
    path.write_text(text.replace(old, new))


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit("usage: patch_ferretdb.py SOURCE_DIR")
    src = Path(sys.argv[1])
    replace_once(src / METADATA, ID_COLUMN_OLD, ID_COLUMN_NEW)
    collection = src / COLLECTION
    replace_once(collection, QUERY_OLD, QUERY_NEW)
    replace_once(collection, EXPLAIN_OLD, EXPLAIN_NEW)
    collection.write_text(collection.read_text() + HELPER)


if __name__ == "__main__":
    main()
