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

It also runs each `update` command in one SQLite transaction. Upstream commits every modified
document on its own (an update statement costs a WAL commit, about a third of its time in a
profile of the crawler's write path), and keeps each statement's read open until the command
ends, so a command of more than about a hundred statements waits forever for a pooled
connection. Patched, every statement's read and write go through the command's transaction (a
statement sees the ones before it; a failing statement is undone alone and the ones before it
stay, as upstream), reads are closed as each statement ends,
and the transaction is committed before the reply, whose success now means the whole command
is stored. tests/integration/test_ferretdb_patch.py checks the plans, the answers and the
update semantics.

Usage: patch_ferretdb.py SOURCE_DIR. Fails loudly if the source is not the expected text.
"""

from __future__ import annotations

import sys
from pathlib import Path

METADATA = "internal/backends/sqlite/metadata/metadata.go"
COLLECTION = "internal/backends/sqlite/collection.go"
FSQL_DB = "internal/util/fsql/db.go"
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

IN_TRANSACTION_OLD = """func (db *DB) InTransaction(ctx context.Context, f func(*Tx) error) (err error) {
	var sqlTx *sql.Tx
"""
IN_TRANSACTION_NEW = """func (db *DB) InTransaction(ctx context.Context, f func(*Tx) error) (err error) {
	if b, _ := ctx.Value(batchKey{}).(*Batch); b != nil {
		return db.inBatch(ctx, b, f)
	}

	var sqlTx *sql.Tx
"""

DB_QUERY_OLD = """	rows, err := db.sqlDB.QueryContext(ctx, query, args...)
"""
DB_QUERY_NEW = """	if b, _ := ctx.Value(batchKey{}).(*Batch); b != nil && b.txs[db] != nil {
		return b.txs[db].QueryContext(ctx, query, args...)
	}

	rows, err := db.sqlDB.QueryContext(ctx, query, args...)
"""

BATCH = """
// Batch makes every transaction started under its context, and every query made after the first
// of them, share one SQLite transaction per database, committed by Finish.
// Added by the news crawler's scripts/patch_ferretdb.py.
type Batch struct {
	txs map[*DB]*Tx
}

type batchKey struct{}

// WithBatch returns a context whose transactions and queries join a new Batch.
func WithBatch(ctx context.Context) (context.Context, *Batch) {
	b := &Batch{txs: map[*DB]*Tx{}}
	return context.WithValue(ctx, batchKey{}, b), b
}

// Finish commits the batch's transactions; calling it again does nothing.
func (b *Batch) Finish() error {
	var first error

	for db, tx := range b.txs {
		delete(b.txs, db)

		if err := tx.Commit(); err != nil && first == nil {
			first = lazyerrors.Error(err)
		}
	}

	return first
}

// inBatch runs f in the batch's transaction. A savepoint around f would make SQLite copy every
// page f touches to a statement journal first (as costly as the commits the batch saves), so
// f's statements are not undone as a group: the update handler, the one caller, writes one
// document per call, and SQLite undoes a failing statement on its own.
func (db *DB) inBatch(ctx context.Context, b *Batch, f func(*Tx) error) error {
	tx := b.txs[db]
	if tx == nil {
		sqlTx, err := db.sqlDB.BeginTx(ctx, nil)
		if err != nil {
			return lazyerrors.Error(err)
		}

		tx = wrapTx(sqlTx, db.l)
		b.txs[db] = tx
	}

	return f(tx)
}
"""

UPDATE_IMPORT_OLD = """	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/iterator"
"""
UPDATE_IMPORT_NEW = """	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/fsql"
	"github.com/FerretDB/FerretDB/internal/util/iterator"
"""

UPDATE_LOOP_OLD = """	for _, u := range params.Updates {
		c, err := db.Collection(params.Collection)
"""
UPDATE_LOOP_NEW = """	// One transaction for the whole command (scripts/patch_ferretdb.py); on an error the
	// statements before it are still committed, as upstream commits each on its own.
	ctx, batch := fsql.WithBatch(ctx)
	defer batch.Finish()

	for _, u := range params.Updates {
		c, err := db.Collection(params.Collection)
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
"""
UPDATE_CLOSER_NEW = """		closer := iterator.NewMultiCloser()

		closer.Add(res.Iter)

		iter := common.FilterIterator(res.Iter, closer, u.Filter)

		if !u.Multi {
			iter = common.LimitIterator(iter, closer, 1)
		}

		result, err := common.UpdateDocument(ctx, c, "update", iter, &u)
		closer.Close()

		if err != nil {
"""

UPDATE_RETURN_OLD = """	return matched, modified, &upserted, nil
}
"""
UPDATE_RETURN_NEW = """	if err = batch.Finish(); err != nil {
		return 0, 0, nil, lazyerrors.Error(err)
	}

	return matched, modified, &upserted, nil
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
    fsql_db = src / FSQL_DB
    replace_once(fsql_db, IN_TRANSACTION_OLD, IN_TRANSACTION_NEW)
    replace_once(fsql_db, DB_QUERY_OLD, DB_QUERY_NEW)
    fsql_db.write_text(fsql_db.read_text() + BATCH)
    update = src / MSG_UPDATE
    replace_once(update, UPDATE_IMPORT_OLD, UPDATE_IMPORT_NEW)
    replace_once(update, UPDATE_LOOP_OLD, UPDATE_LOOP_NEW)
    replace_once(update, UPDATE_CLOSER_OLD, UPDATE_CLOSER_NEW)
    replace_once(update, UPDATE_RETURN_OLD, UPDATE_RETURN_NEW)


if __name__ == "__main__":
    main()
