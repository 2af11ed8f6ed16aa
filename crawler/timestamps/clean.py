"""Normalise page text before matching: one translate pass, then whitespace and glue.

Careless markup glues labels to times ("time42 minutes ago", "First Post8 hours ago") and
surrounds them with bullets, emoji, non-breaking and zero-width spaces, brackets and line
breaks. All of that is noise to a time grammar, so it is mapped to a plain space (or dropped, for
zero-width characters that sit inside words) in a single ``str.translate`` call, which is far
cheaper than a chain of regex substitutions. Native digits (Devanagari, Arabic-Indic, full-width)
become ASCII so one grammar reads them all.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE = " "


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    # control characters (C0, DEL, C1) and line/paragraph separators -> space
    for cp in list(range(0x00, 0x20)) + list(range(0x7F, 0xA0)) + [0x2028, 0x2029]:
        table[cp] = _SPACE
    # every Unicode space separator (NBSP, thin, ideographic ...) -> space
    for cp in (0xA0, 0x1680, 0x202F, 0x205F, 0x3000, *range(0x2000, 0x200B)):
        table[cp] = _SPACE
    # zero-width and format characters vanish (they sit inside glued words)
    for cp in (0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0x2061, 0x2062, 0x2063, 0xFEFF,
               0x00AD, 0x180E, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0xFE0E, 0xFE0F):
        table[cp] = None
    # lone surrogates cannot be text; treat them as noise
    for cp in range(0xD800, 0xE000):
        table[cp] = _SPACE
    # bullets, separators, brackets, quotes: label noise around a time
    for ch in "•·‧∙◦▪▫●○■□►▶▸|¦()[]{}<>«»\"“”„‹›*~_=#@!?;…–—―⋅・｜【】「」『』〔〕（）।॥؛":
        table[ord(ch)] = _SPACE
    for ch in "’‘`´ʼ":
        table[ord(ch)] = "'"
    table[ord("：")] = ":"
    table[ord("，")] = ","
    table[ord("،")] = ","  # Arabic and Urdu comma
    table[ord("－")] = "-"
    table[ord("／")] = "/"
    # pictographs and symbols (emoji) -> space
    for lo, hi in ((0x2190, 0x21FF), (0x2300, 0x23FF), (0x2460, 0x24FF), (0x25A0, 0x27BF),
                   (0x2900, 0x297F), (0x2B00, 0x2BFF)):
        for cp in range(lo, hi + 1):
            table[cp] = _SPACE
    for cp in range(0x1F000, 0x1FB00):
        table[cp] = _SPACE
    # native decimal digits -> ASCII
    # (Arabic-Indic, Urdu/Persian, Devanagari, Bengali, Gurmukhi, Gujarati, Odia, Tamil, Telugu,
    # Kannada, Malayalam, Thai, full-width)
    for zero in (0x0660, 0x06F0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
                 0x0D66, 0x0E50, 0xFF10):
        for d in range(10):
            table[zero + d] = str(d)
    return table


_TABLE = _build_table()
# Glue to split with a space: a Latin or Cyrillic letter directly before a digit ("time42",
# "Post8", "Jun16"; not when a digit precedes it too: "17h30", "20250616T091200Z"), and a lower-case
# letter directly before a capital ("5 hours agoReuters", "UpdatedYesterday"): markup that drops
# the space between a time and a publisher name or label leaves exactly that case change.
_GLUE = re.compile(
    r"(?<!\d[A-Za-zÀ-ɏЀ-ӿ])(?<=[A-Za-zÀ-ɏЀ-ӿ])(?=\d)"
    r"|(?<=[a-zß-öø-ÿа-яё])(?=[A-ZÀ-ÖØ-ÞА-ЯЁ])"
)
_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The text with noise made spaces, glue split, whitespace collapsed; case kept.

    Case is kept because zone labels ("IST", "ET") are only trusted in capitals; callers lower
    the result for word matching.
    """
    s = text.translate(_TABLE)
    if not s.isascii():
        s = unicodedata.normalize("NFC", s)
    s = _GLUE.sub(" ", s)
    return _WS.sub(" ", s).strip(" ,.:-/")


def significant(ch: str) -> bool:
    """A character that survives normalisation as itself or another letter/digit: what
    lines a text up with its normalised form (noise, spaces and separators do not count)."""
    mapped = ch.translate(_TABLE)
    return bool(mapped) and not mapped.isspace() and mapped not in ",.:-/"
