"""Why a text that no grammar read is not a publication time, and whether dateparser may try.

Rejecting early is both correctness and speed: dateparser reads "Top 10 stories" or "2025 Budget"
as dates in some settings, and spends milliseconds on every headline it is shown. Only short texts
with two or more numbers (a date in a language the tables lack, "16 juni 2025") or a short text on
a page in a language outside the tables go to the long tail.
"""

from __future__ import annotations

from . import patterns as p
from .lexicon_indic import LANGS as _INDIC_LANGS

OUR_LANGS = frozenset({"en", "hi", "es", "pt", "fr", "de", "it", "ru", "ar", "zh", "ja", "ko",
                       "id", "tr", *_INDIC_LANGS})
MAX_FALLBACK_WORDS = 8
MAX_LABEL_WORDS = 6


def classify(low: str, lang: str | None) -> tuple[str | None, bool]:
    """(reason, may_fallback): the reason is used when the fallback is skipped or finds nothing."""
    numbers = p.COUNT.findall(low)
    words = p.WORD.findall(low)
    if len(words) > MAX_FALLBACK_WORDS:
        return "not a time: a headline or sentence", False
    if lang is not None and lang not in OUR_LANGS and len(words) <= 4:
        return "not a time", True  # a language the tables lack: the long tail decides
    if not numbers:
        return "not a time: no date or time in the text", False
    if p.DURATION.search(low):
        return "not a time: a duration", False
    if len(numbers) == 1:
        n = numbers[0]
        if len(n) == 4 and n[:2] in ("19", "20"):
            return "not a time: a bare year", False
        if not words:
            return "not a time: a number", False
        return "not a time: a count", False
    return "not a time", True
