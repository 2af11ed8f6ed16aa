"""One statement per story: the store's update operations, evaluated in Python on the stored
document, turned into a single insert or a small update.

Why: crawler.storage.store describes a story's write as several small order-independent operations
(upsert with the seen times and sighting count, content update, merge rules). Sent as they are, a
story costs several update statements, and an update statement is the slowest thing a
MongoDB-wire server does (FerretDB on SQLite: ~1,500/s against ~15,000 inserted documents/s).
Evaluating the same operations here on the story's known state gives the document the server
would end with; the difference from what is stored becomes:

* no stored document: the whole document, for insert_many;
* a stored document: a *touch* (`$max`/`$min` of last/first seen) that is correct whatever
  another writer did meanwhile, so it needs no guard and stories with the same touch share one
  update_many, sent only when last_seen_at moves by at least the seen resolution (or
  first_seen_at moves at all); and, only when a stored field changes, a guarded
  update (`$set` of the changed fields, `$addToSet` of new aliases) whose filter holds the values
  the plan was made from (the fields the operations' filters test). When that guard fails
  (another writer changed the story in between) the caller falls back to the operations
  themselves, which are correct in any order.

Only the operators and filter forms crawler.storage.store and crawler.dedup.merge use are implemented;
anything else raises, so a new operation cannot be silently mis-planned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

# (filter, update, upsert): one operation as crawler.storage.store builds it.
Op = tuple[dict[str, Any], dict[str, Any], bool]

# Fields the touch carries: each only moves one way, so its update is right in any order and
# needs no guard.
TOUCH_FIELDS = ("last_seen_at", "first_seen_at")
# Lists the operations only ever append to, and the operator that appends.
_APPENDED = {"aliases": "$addToSet"}
# Fields the operations' filters test (content update, summary rank, cluster, modified rule).
GUARDED = ("content_hash", "summary_rank", "cluster_id", "modified_at", "completeness")


class UnsupportedOperation(ValueError):
    """An operator or filter form this module does not evaluate."""


@dataclass
class StoryPlan:
    """What to send for one story: a document to insert, an update, or nothing."""

    story_id: str
    insert: dict[str, Any] | None = None
    filter: dict[str, Any] | None = None
    update: dict[str, Any] = field(default_factory=dict)
    touch: dict[str, Any] = field(default_factory=dict)
    content_changed: bool = False
    result: dict[str, Any] | None = None  # the document the plan leads to


def _norm(value: Any) -> Any:
    """Datetimes as the server keeps them (milliseconds), so comparisons agree with it."""
    if isinstance(value, datetime) and value.microsecond % 1000:
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def _compare(stored: Any, op: str, arg: Any) -> bool:
    a, b = _norm(stored), _norm(arg)
    if type(a) is not type(b) and not (isinstance(a, int | float) and isinstance(b, int | float)):
        return False  # MongoDB compares within a type only
    try:
        if op == "$lt":
            return a < b
        if op == "$lte":
            return a <= b
        if op == "$gt":
            return a > b
        return a >= b
    except TypeError:
        return False


def _equals(stored: Any, value: Any) -> bool:
    if isinstance(stored, list) and not isinstance(value, list):
        return any(_norm(v) == _norm(value) for v in stored)
    return _norm(stored) == _norm(value)


def _field_matches(doc: dict, name: str, cond: Any) -> bool:
    present = name in doc
    stored = doc.get(name)
    if not isinstance(cond, dict) or not any(k.startswith("$") for k in cond):
        return present and _equals(stored, cond) if cond is not None else stored is None
    for op, arg in cond.items():
        if op == "$exists":
            ok = present == bool(arg)
        elif op == "$ne":
            ok = not (present and _equals(stored, arg))
        elif op == "$in":
            ok = present and any(_equals(stored, v) for v in arg)
        elif op == "$nin":
            ok = not (present and any(_equals(stored, v) for v in arg))
        elif op in ("$lt", "$lte", "$gt", "$gte"):
            ok = present and _compare(stored, op, arg)
        else:
            raise UnsupportedOperation(f"filter operator {op}")
        if not ok:
            return False
    return True


def matches(doc: dict, query: dict) -> bool:
    """Whether `doc` satisfies `query` (the subset of MongoDB's query language the store uses)."""
    for key, cond in query.items():
        if key == "$or":
            if not any(matches(doc, sub) for sub in cond):
                return False
        elif key == "$and":
            if not all(matches(doc, sub) for sub in cond):
                return False
        elif key.startswith("$"):
            raise UnsupportedOperation(f"top-level operator {key}")
        elif not _field_matches(doc, key, cond):
            return False
    return True


def apply_update(doc: dict, update: dict, inserting: bool,
                 touched: dict[str, str] | None = None) -> None:
    """Apply `update` to `doc` in place, as the server would. Lists are replaced, never
    mutated, so a shallow copy of a stored document can be updated safely; `touched` collects
    the fields written and the operator that wrote each ($set wins over the others)."""
    for op, fields in update.items():
        for name, value in fields.items():
            if "." in name:
                raise UnsupportedOperation(f"dotted path {name}")
            if op == "$setOnInsert":
                if not inserting:
                    continue
                doc[name] = value
            elif op == "$set":
                doc[name] = value
            elif op in ("$max", "$min"):
                if name in doc and doc[name] is not None and not _compare(
                        value, "$gt" if op == "$max" else "$lt", doc[name]):
                    continue
                doc[name] = value
            elif op == "$push":
                values = value["$each"] if isinstance(value, dict) and "$each" in value else [value]
                doc[name] = [*(doc.get(name) or ()), *values]
            elif op == "$addToSet":
                values = value["$each"] if isinstance(value, dict) and "$each" in value else [value]
                current = list(doc.get(name) or ())
                current.extend(v for v in values if v not in current)
                doc[name] = current
            else:
                raise UnsupportedOperation(f"update operator {op}")
            if touched is not None and touched.get(name) != "$set":
                touched[name] = op


def evaluate(state: dict | None, ops: list[Op], touched: dict[str, str] | None = None) -> dict | None:
    """The document after `ops` run in order on `state` (None: no stored document). `state`
    is not modified; the result shares unchanged values with it."""
    doc = dict(state) if state is not None else None
    for query, update, upsert in ops:
        if doc is None:
            if upsert:
                doc = {k: v for k, v in query.items() if not k.startswith("$") and not isinstance(v, dict)}
                apply_update(doc, update, inserting=True)
            continue
        if matches(doc, query):
            apply_update(doc, update, inserting=False, touched=touched)
    return doc


def plan_story(story_id: str, state: dict | None, ops: list[Op],
               seen_resolution: timedelta = timedelta(0)) -> StoryPlan:
    """One insert, or a touch plus (only when a stored field changes) one guarded update, that
    takes `state` to what `ops` would make of it; last_seen_at is left behind when it would move
    by less than `seen_resolution`. `state` may be a cached hint holding only the fields the
    operations read and write (not body, minhash): what it lacks is treated as changed, never
    as unchanged."""
    touched: dict[str, str] = {}
    result = evaluate(state, ops, touched)
    plan = StoryPlan(story_id, result=result)
    if result is None:
        return plan
    if state is None:
        plan.insert = result
        return plan
    update: dict[str, dict[str, Any]] = {}
    for name, op in sorted(touched.items()):  # only what an operation wrote can differ
        value = result[name]
        if name in state and _same(state[name], value):
            continue
        if name in TOUCH_FIELDS:
            if op not in ("$max", "$min"):
                raise UnsupportedOperation(f"{name} written with {op} rather than advanced")
            if (name == "last_seen_at" and isinstance(state.get(name), datetime)
                    and _norm(value) - _norm(state[name]) < seen_resolution):
                result[name] = state[name]  # what stays stored, for the cache
                continue
            plan.touch.setdefault(op, {})[name] = value
        elif name in _APPENDED:
            old = state.get(name) or []
            if value[: len(old)] != old:
                raise UnsupportedOperation(f"{name} changed other than by appending")
            update.setdefault(_APPENDED[name], {})[name] = {"$each": value[len(old):]}
        else:
            update.setdefault(op if op in ("$max", "$min") else "$set", {})[name] = value
    if not update:
        return plan
    # The document is rewritten anyway: the touch rides along (a fallback to the operations
    # repeats it harmlessly, $max and $min being idempotent).
    for op, fields in plan.touch.items():
        update.setdefault(op, {}).update(fields)
    plan.touch = {}
    query: dict[str, Any] = {"_id": story_id}
    # The fields the operations' own guards read: if another writer changed one of them, the
    # plan may no longer be what the operations would do.
    for name in GUARDED:
        query[name] = state.get(name)
    plan.filter = query
    plan.update = update
    plan.content_changed = state.get("content_hash") != result.get("content_hash")
    return plan


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return _norm(a) == _norm(b)
