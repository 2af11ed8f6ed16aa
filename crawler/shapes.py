"""Converting one story shape into another by field name.

Extraction's shapes (a lead draft, a card, a structured-data story), its results (LeadStory,
TeaserCard) and the stored items (Article, Teaser) each keep one field list; a conversion copies
what two shapes share by name and states only what differs, so a field added to both travels
without a hand-written copy to forget.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any


def shared_fields(cls: type, story: Any) -> dict[str, Any]:
    """The fields of dataclass `cls` that `story` also has, by name (lists copied, not shared)."""
    values = {}
    for f in fields(cls):
        if hasattr(story, f.name):
            value = getattr(story, f.name)
            values[f.name] = list(value) if isinstance(value, list) else value
    return values
