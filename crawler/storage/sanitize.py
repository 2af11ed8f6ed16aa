"""Values taken from pages made safe to store in MongoDB.

Pages are written by strangers. Embedded JSON (JSON-LD, ``__NEXT_DATA__``) can carry keys such as
``"$where"``, ``"$set"`` or ``"a.b"``: stored as they are, a key starting with ``$`` is read by the
server as an operator, and a dotted key as a path into a sub-document, so a page could change
what an update does or fail a whole batch. Every document the Store builds passes through
:func:`clean` first: keys become plain field names (a leading ``$`` and every ``.`` are replaced
by their full-width look-alikes, as MongoDB's documentation suggests; NUL bytes, which BSON keys
cannot hold, are dropped), values become BSON-encodable types, and nesting is bounded so a
hostile 10,000-deep object cannot exhaust the encoder.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

DOLLAR = "\uff04"  # FULLWIDTH DOLLAR SIGN
DOT = "\uff0e"  # FULLWIDTH FULL STOP
MAX_DEPTH = 32  # deeper structures are stored as a short text, not as sub-documents
MAX_KEY_LENGTH = 200
_INT64 = (-(2**63), 2**63 - 1)


def safe_key(key: object) -> str:
    """A field name that is never an operator nor a dotted path, and never empty."""
    text = str(key).replace("\x00", "")[:MAX_KEY_LENGTH]
    if text.startswith("$"):
        text = DOLLAR + text[1:]
    text = text.replace(".", DOT)
    return text or "_"


def clean(value: Any, depth: int = 0) -> Any:
    """`value` with every mapping key made safe and every value BSON-encodable.

    Scalars the driver stores natively pass through unchanged; strings are kept as they are
    (a string *value* such as "$set" is data, never an operator, in the update forms the Store
    uses)."""
    if value is None or isinstance(value, bool | str | float | datetime):
        return value
    if isinstance(value, int):
        return value if _INT64[0] <= value <= _INT64[1] else str(value)
    if depth >= MAX_DEPTH:
        return _summary(value)
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = safe_key(key)
            while name in out:  # "$a" and "＄a" must not overwrite each other
                name += "_"
            out[name] = clean(item, depth + 1)
        return out
    if isinstance(value, list | tuple | set | frozenset):
        return [clean(item, depth + 1) for item in value]
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _summary(value: Any) -> str:
    kind = type(value).__name__
    return f"<{kind} nested deeper than {MAX_DEPTH} levels, not stored>"
