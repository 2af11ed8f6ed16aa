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
results are unchanged.

It also writes what an `update` command modifies in one SQLite transaction. Upstream commits
every modified document on its own (a WAL commit each, about a third of an update's time in a
profile of the crawler's write path), and keeps each statement's read open until the command
ends, so a command of more than about a hundred statements waits forever for a pooled
connection. Patched, the documents the statements modify are held and written together: before
a statement whose filter may match one of them (any filter that does not pin `_id` to other
values), after a failing statement (the ones before it stay written, as upstream) and before the
reply, whose success still means the whole command is stored. Reads are closed as each statement
ends, and no transaction is held across statements (one held there would wait on the metadata
registry's lock while holding SQLite's: a collection or index created meanwhile would stall both
for the busy timeout). tests/integration/test_ferretdb_patch.py checks the plans, the answers and
the update semantics.
"""

from __future__ import annotations

import sys
from pathlib import Path

METADATA = "internal/backends/sqlite/metadata/metadata.go"
COLLECTION = "internal/backends/sqlite/collection.go"
MSG_UPDATE = "internal/handler/msg_update.go"

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

PINNED_IDS_FILE = "internal/types/pinned_ids.go"
PINNED_IDS = """// Added by the news crawler's scripts/patch_ferretdb.py.

package types

// PinnedIDs returns the values a filter pins _id to, a string or ObjectID or a non-empty $in
// list of only those, or nil: the one place the SQLite backend's _id pre-selection and the update
// handler's pending writes read a filter's _id.
func PinnedIDs(filter *Document) []any {
	if filter == nil {
		return nil
	}

	v, err := filter.Get("_id")
	if err != nil {
		return nil
	}

	var ids []any

	switch v := v.(type) {
	case string, ObjectID:
		return []any{v}
	case *Document:
		if v.Len() != 1 {
			return nil
		}

		in, err := v.Get("$in")
		if err != nil {
			return nil
		}

		arr, ok := in.(*Array)
		if !ok {
			return nil
		}

		for i := 0; i < arr.Len(); i++ {
			e, _ := arr.Get(i)
			switch e.(type) {
			case string, ObjectID:
				ids = append(ids, e)
			default:
				return nil
			}
		}
	}

	return ids
}
"""

HELPER = """
// idPreselect narrows a query to the rows whose _id the filter pins (types.PinnedIDs, at most
// 1,000) through the _id index. The caller still applies the whole filter.
// Added by the news crawler's scripts/patch_ferretdb.py.
func idPreselect(filter *types.Document) (string, []any) {
	ids := types.PinnedIDs(filter)
	if len(ids) == 0 || len(ids) > 1000 {
		return "", nil
	}

	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = string(must.NotFail(sjson.MarshalSingleValue(id)))
	}

	if len(args) == 1 {
		return fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn), args
	}

	placeholders := strings.Repeat("?, ", len(args)-1) + "?"

	return fmt.Sprintf(` WHERE %s IN (%s)`, metadata.IDColumn, placeholders), args
}
"""

UPDATE_LOOP_OLD = """	for _, u := range params.Updates {
		c, err := db.Collection(params.Collection)
"""
UPDATE_LOOP_NEW = """	// The modified documents are written together (scripts/patch_ferretdb.py, pendingUpdates).
	pending := &pendingUpdates{ids: map[string]struct{}{}}

	for _, u := range params.Updates {
		c, err := db.Collection(params.Collection)
"""

UPDATE_QUERY_OLD = """		var qp backends.QueryParams
		if !h.DisablePushdown {
			qp.Filter = u.Filter
		}
"""
UPDATE_QUERY_NEW = """		// A statement that may read a document still pending reads it written.
		if !pending.disjoint(u.Filter) {
			if err = pending.flush(ctx); err != nil {
				return 0, 0, nil, lazyerrors.Error(err)
			}
		}

		pending.Collection = c

		var qp backends.QueryParams
		if !h.DisablePushdown {
			qp.Filter = u.Filter
		}
"""

UPDATE_CLOSER_OLD = """		closer := iterator.NewMultiCloser()
		defer closer.Close()

		closer.Add(res.Iter)

		iter := common.FilterIterator(res.Iter, closer, u.Filter)

		if !u.Multi {
			iter = common.LimitIterator(iter, closer, 1)
		}

		result, err := common.UpdateDocument(ctx, c, "update", iter, &u)
		if err != nil {
			return 0, 0, nil, lazyerrors.Error(err)
		}
"""
UPDATE_CLOSER_NEW = """		closer := iterator.NewMultiCloser()

		closer.Add(res.Iter)

		iter := common.FilterIterator(res.Iter, closer, u.Filter)

		if !u.Multi {
			iter = common.LimitIterator(iter, closer, 1)
		}

		result, err := common.UpdateDocument(ctx, pending, "update", iter, &u)
		closer.Close()

		if err != nil {
			// as upstream: the statements before a failing one stay written
			if ferr := pending.flush(ctx); ferr != nil {
				return 0, 0, nil, lazyerrors.Error(ferr)
			}

			return 0, 0, nil, lazyerrors.Error(err)
		}
"""

UPDATE_RETURN_OLD = """	return matched, modified, &upserted, nil
}
"""
UPDATE_RETURN_NEW = """	if err = pending.flush(ctx); err != nil {
		return 0, 0, nil, lazyerrors.Error(err)
	}

	return matched, modified, &upserted, nil
}

// pendingUpdates holds the documents an update command's statements modify and writes them in
// one transaction: before a statement whose filter may match one of them (it must read it
// written), after a failing statement, and before the reply. Upstream wrote each in its own.
// No transaction is held across statements, so nothing waits on the metadata registry's lock
// while it holds SQLite's. Added by the news crawler's scripts/patch_ferretdb.py.
type pendingUpdates struct {
	backends.Collection
	docs []*types.Document
	ids  map[string]struct{}
}

// UpdateAll implements backends.Collection interface: it only collects.
func (p *pendingUpdates) UpdateAll(ctx context.Context, params *backends.UpdateAllParams) (*backends.UpdateAllResult, error) {
	for _, doc := range params.Docs {
		id, _ := doc.Get("_id")
		p.ids[pendingKey(id)] = struct{}{}
	}

	p.docs = append(p.docs, params.Docs...)

	return &backends.UpdateAllResult{Updated: int32(len(params.Docs))}, nil
}

// flush writes the pending documents in one transaction. If that fails they are written one at
// a time, as upstream does, so the ones before the failing one stay written.
func (p *pendingUpdates) flush(ctx context.Context) error {
	if len(p.docs) == 0 {
		return nil
	}

	docs := p.docs
	p.docs, p.ids = nil, map[string]struct{}{}

	if _, err := p.Collection.UpdateAll(ctx, &backends.UpdateAllParams{Docs: docs}); err == nil {
		return nil
	}

	for _, doc := range docs {
		if _, err := p.Collection.UpdateAll(ctx, &backends.UpdateAllParams{Docs: []*types.Document{doc}}); err != nil {
			return lazyerrors.Error(err)
		}
	}

	return nil
}

// disjoint reports whether filter pins _id (types.PinnedIDs) to values none of which is pending.
func (p *pendingUpdates) disjoint(filter *types.Document) bool {
	if len(p.docs) == 0 {
		return true
	}

	ids := types.PinnedIDs(filter)
	if ids == nil {
		return false
	}

	for _, id := range ids {
		if _, hit := p.ids[pendingKey(id)]; hit {
			return false
		}
	}

	return true
}

func pendingKey(id any) string {
	return fmt.Sprintf("%T:%v", id, id)
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
    (src / PINNED_IDS_FILE).write_text(PINNED_IDS)
    update = src / MSG_UPDATE
    replace_once(update, UPDATE_LOOP_OLD, UPDATE_LOOP_NEW)
    replace_once(update, UPDATE_QUERY_OLD, UPDATE_QUERY_NEW)
    replace_once(update, UPDATE_CLOSER_OLD, UPDATE_CLOSER_NEW)
    replace_once(update, UPDATE_RETURN_OLD, UPDATE_RETURN_NEW)

if __name__ == "__main__":
    main()
