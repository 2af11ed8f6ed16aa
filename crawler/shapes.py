"""Converting one story shape into another by field name.

Extraction's shapes (a lead draft, a card, a structured-data story), its results (LeadStory,
TeaserCard) and the stored items (Article, Teaser) each keep one field list; a conversion copies
what two shapes share by name and states only what differs, so a field added to both travels
without a hand-written copy to forget.
"""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from typing import Any


@cache
def _names(cls: type, other: type) -> tuple[str, ...]:
    """The field names of dataclass `cls` that instances of `other` have (dataclass fields or
    class attributes): computed once per pair of shapes, as conversions run per story."""
    return tuple(f.name for f in fields(cls) if hasattr(other, f.name)
                 or f.name in getattr(other, "__dataclass_fields__", ()))


def shared_fields(cls: type, story: Any) -> dict[str, Any]:
    """The fields of dataclass `cls` that `story` also has, by name (lists copied, not shared)."""
    if not hasattr(type(story), "__dataclass_fields__"):  # a plain object: ask the instance
        names: tuple[str, ...] = tuple(f.name for f in fields(cls) if hasattr(story, f.name))
    else:
        names = _names(cls, type(story))
    values = {}
    for name in names:
        value = getattr(story, name)
        values[name] = list(value) if isinstance(value, list) else value
    return values
