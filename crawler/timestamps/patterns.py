"""Precompiled regular expressions built once from the lexicon tables.

Kept apart from the code that uses them so the grammar is visible in one place. All patterns run
on lower-cased, normalised text unless their name says otherwise. ``_LETTER_BEFORE`` /
``_LETTER_AFTER`` are word boundaries that work for every script (``\\b`` does not treat
Devanagari vowel signs as word characters).
"""

from __future__ import annotations

import re
import unicodedata

from . import lexicon as lx
from .zones import ABBREVIATIONS, ZONE_NAMES


def _marks() -> str:
    """A character class of the Arabic-script and Indic combining marks.

    ``re`` counts vowel signs and viramas as non-word characters, so without them a boundary
    falls inside a word: Marathi "मे" (May) would match the start of Hindi "में" (in), Bengali
    "আগ" the start of "আগে" (ago).
    """
    spans: list[tuple[int, int]] = []
    for cp in [*range(0x0600, 0x0700), *range(0x0900, 0x0D80)]:
        if unicodedata.category(chr(cp)).startswith("M"):
            if spans and spans[-1][1] == cp - 1:
                spans[-1] = (spans[-1][0], cp)
            else:
                spans.append((cp, cp))
    return "[" + "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in spans) + "]"


MARK = _marks()
NOT_LETTER_BEFORE = r"(?<![^\W\d_])(?<!" + MARK + ")"
NOT_LETTER_AFTER = r"(?![^\W\d_]|" + MARK + ")"


def _is_latin(word: str) -> bool:
    """Words in scripts that separate words with spaces need boundaries; CJK words do not."""
    return not any("\u3000" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in word)


def alternation(words, *, left: bool = True, right: bool = True) -> str:
    """A longest-first alternation; space-separated-script words get letter boundaries.

    The boundaries are shared by the whole group, not repeated per word: a lookbehind per
    alternative makes ``re`` try every word at every position, which was ten times slower.
    """
    words = sorted(set(words), key=len, reverse=True)
    latin = [w for w in words if _is_latin(w)]
    cjk = [w for w in words if not _is_latin(w)]
    parts = []
    for group, bounded in ((latin, True), (cjk, False)):
        if not group:
            continue
        open_end = [w for w in group if w.endswith(("'", "."))]
        closed = [w for w in group if w not in open_end]
        for items, close in ((closed, True), (open_end, False)):
            if not items:
                continue
            body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items)
            item = "(?:" + body + ")"
            if bounded and left:
                item = NOT_LETTER_BEFORE + item
            if bounded and right and close:
                item += NOT_LETTER_AFTER
            parts.append(item)
    return "(?:" + "|".join(parts) + ")"


_LATIN_NUMS = [w for w in lx.NUMBER_WORDS if _is_latin(w)]
_CJK_NUMS = [w for w in lx.NUMBER_WORDS if not _is_latin(w)]
# Latin number words have no left boundary on purpose: "timean hour ago" is glued markup.
_NUM = (
    r"(?:(?P<n>\d+(?:[.,]\d+)?)\s*|(?P<w>"
    + alternation(_LATIN_NUMS, left=False, right=True)
    + r")(?:(?<=')|\s)\s*|(?P<c>"
    + alternation(_CJK_NUMS)
    + r")\s*)"
)

# Suffix forms are found from their ago-word backwards: searching the short window before an
# ago-word is far cheaper than trying a number at every position of the text.
SUFFIX_AGO_WORD = re.compile(alternation(lx.SUFFIX_AGO, left=False))
REL_BEFORE_AGO = re.compile(
    _NUM + r"(?P<u>" + alternation(lx.SUFFIX_UNITS, left=False) + r")\.?\s*$"
)
REL_SUFFIX_BARE = re.compile(
    r"(?P<u>" + alternation(lx.SUFFIX_BARE_UNITS) + r")\s*"
    + r"(?P<ago>" + alternation(lx.SUFFIX_AGO, left=False) + r")"
)
REL_PREFIX = re.compile(
    r"(?P<ago>" + alternation(lx.PREFIX_AGO) + r")\s*"
    + _NUM + r"?"
    + r"(?P<u>" + alternation(lx.PREFIX_UNITS) + r")\.?"
)
# "8h", "3d", "2w" standing alone at the end of the text (a time slot): they mean ago.
COMPACT = re.compile(
    r"(?:^|\s)(?P<n>\d{1,4})\s?(?P<u>"
    + "|".join(sorted({*lx.COMPACT_UNITS, *(u for t in lx.COMPACT_UNITS_LANG.values() for u in t)},
                      key=len, reverse=True))
    + r")$"
)
JUST_NOW = re.compile(
    r"(?:^|(?<!\d)\s)(?P<p>"
    + alternation([w for w in lx.JUST_NOW if w not in lx.JUST_NOW_ALONE])
    + r")$"
)
DAY_WORD = re.compile(r"(?P<d>" + alternation(lx.DAY_WORDS) + r")")
FUTURE_WORD = re.compile(alternation(lx.FUTURE_WORDS))
FUTURE_PREFIX_WORD = re.compile(alternation(lx.FUTURE_PREFIX))
FUTURE_AFTER_PREFIX = re.compile(
    r"\s*" + _NUM + r"?" + alternation(lx.PREFIX_UNITS | lx.SUFFIX_UNITS) + r"\.?"
)
FUTURE_SUFFIX_WORD = re.compile(alternation(lx.FUTURE_SUFFIX, left=False))
FUTURE_BEFORE_SUFFIX = re.compile(_NUM + alternation(lx.SUFFIX_UNITS, left=False) + r"\s*$")
READING_HINT = re.compile(r"read|lect|lese|lett|leit|чтен|okuma|baca", re.I)

# --- absolute forms -------------------------------------------------------------------------
ISO = re.compile(
    r"(?<!\d)(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[t ]\s?(?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?)?"
    r"(?:\s*(?P<z>z|[+\-−]\d{2}(?::?\d{2})?))?(?![\d:])",
    re.I,
)
ISO_BASIC = re.compile(
    r"(?<!\d)(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})t(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})?"
    r"(?P<z>z|[+\-]\d{4})?(?!\d)",
    re.I,
)
EPOCH = re.compile(r"(?P<sec>\d{10})(?:\.\d{1,6})?|(?P<ms>\d{13})")
NUMERIC_DATE = re.compile(
    r"(?<![\d.:/\-])(?P<a>\d{1,4})(?P<sep>[./\-])\s?(?P<b>\d{1,2})(?P=sep)\s?(?P<c>\d{2,4})"
    r"(?![\d:/\-])\.?"
)
CJK_DATE = re.compile(
    r"(?:(?P<y>\d{4})\s*[年년]\s*)?(?P<mo>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일号號]?"
)
_MONTH_WORDS = list(lx.MONTHS) + list(lx.MONTHS_LANG)
MONTH = re.compile(r"(?P<m>" + alternation(_MONTH_WORDS) + r")\.?")
DAY_BEFORE = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th|er|º|°|\.)?\s*(?:de\s+|of\s+|the\s+)?$"
)
DAY_AFTER = re.compile(r"^\.?\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?(?![\d:.])(?:\s*,)?")
YEAR = re.compile(r"(?<![\d:])(?P<y>(?:19|20)\d{2})(?![\d:])")
_DOT_CLOCK_FOLLOW = {"uhr", "h", "hrs", "hs", "horas", "ч", "gmt", "utc", "мск",
                     *(k.lower() for k in ABBREVIATIONS if len(k) >= 3)}
_DOT_CLOCK_LEAD = {"at", "um", "alle", "ore", "às", "a las", "a la", "pukul", "jam", "om",
                   "kl", "klo", "kello", "à", "в", "saat"}
CLOCK = re.compile(
    r"(?<![\d:.])(?P<h>\d{1,2})\s*(?::|h(?=\d)|時|시|点|點)\s*(?P<mi>\d{2})"
    r"(?:\s*:\s*(?P<s>\d{2}))?(?:\s*[分분])?(?![\d])"
    r"(?:\s*(?P<ap>a\.?\s?m\.?|p\.?\s?m\.?)" + NOT_LETTER_AFTER + r")?"
    r"|(?<![\d:.])(?P<h2>\d{1,2})\s*(?P<ap2>a\.?\s?m\.?|p\.?\s?m\.?)" + NOT_LETTER_AFTER
    # "11.30 BST", "9.05pm", "14.45 Uhr": a dot is a clock separator when a day half, a zone or
    # a clock word follows; otherwise "2.30" may be a number (see DOT_CLOCK_* below).
    + r"|(?<![\d:.])(?P<h3>\d{1,2})\.(?P<mi3>\d{2})(?![\d.])(?:\s*(?P<ap3>a\.?\s?m\.?|p\.?\s?m\.?)"
    + NOT_LETTER_AFTER + r"|(?=\s*(?:" + "|".join(sorted(_DOT_CLOCK_FOLLOW, key=len, reverse=True))
    + r")" + NOT_LETTER_AFTER + r"))"
)
# A dot-separated time after a word that introduces a clock time ("at 9.05", "um 9.30",
# "alle 13.20", "pukul 14.45").
DOT_CLOCK_LEAD = re.compile(
    r"(?:^|(?<![^\W\d_]))(?:" + "|".join(sorted(_DOT_CLOCK_LEAD, key=len, reverse=True))
    + r")\.?\s+(?P<h>\d{1,2})\.(?P<mi>\d{2})(?![\d.])"
)
# Beside a date or a day word any h.mm is the clock time ("16 June 2025, 11.30", "Today 09.15").
DOT_CLOCK_BARE = re.compile(r"(?<![\d:.,/\-])(?P<h>\d{1,2})\.(?P<mi>\d{2})(?![\d.,:/\-])")
PM_MARK = re.compile(alternation(["下午", "午後", "오후", "晚上", "sore", "malam", "soir", "tarde",
                                  "abends", "nachmittags", "pomeriggio", "sera", "вечера",
                                  "дня", "öğleden sonra", "akşam", "शाम", "दोपहर", "مساء",
                                  "مساءً", "م"]))
AM_MARK = re.compile(alternation(["上午", "午前", "오전", "早上", "凌晨", "pagi", "matin",
                                  "mañana", "morgens", "vormittags", "mattina", "утра",
                                  "sabah", "सुबह", "صباحا", "صباحاً", "ص"]))

# Zone labels are trusted only in capitals (case-sensitive, on the un-lowered text).
ZONE_LABEL = re.compile(
    r"(?<![A-Za-z])(?P<l>"
    + "|".join(sorted((k for k in ABBREVIATIONS if len(k) > 1 and k != "UT"), key=len,
                      reverse=True))
    + r")(?![A-Za-z])"
)
ZONE_GMT_OFFSET = re.compile(
    r"(?<![A-Za-z])(?:gmt|utc|ut)\s*(?P<sign>[+\-−])\s*(?P<h>\d{1,2})(?:[:.]?(?P<m>\d{2}))?(?!\d)",
    re.I,
)
ZONE_NAME = re.compile(alternation(ZONE_NAMES))
ZONE_OFFSET = re.compile(r"(?<![\d:])(?P<sign>[+\-−])(?P<h>\d{2}):?(?P<m>\d{2})(?!\d)")

WEEKDAYS = re.compile(alternation([
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
]) + r"\.?")
FILLER = re.compile(alternation([
    "at", "on", "um", "a las", "a la", "às", "as", "à", "alle", "le", "el", "der", "den", "в",
    "uhr", "pukul", "jam", "saat", "de", "del", "do", "da", "г", "года", "the", "of", "في",
    "ist", "wib", "hrs", "h", "am", "pm", "updated", "published", "posted", "time",
]))
WORD = re.compile(r"[^\W\d_]+")
DIGITS = re.compile(r"\d+")

# --- texts that are not times ----------------------------------------------------------------
READING_TIME = re.compile(
    r"\d+\s*(?:min|mins|minutes?|minuten|minutos|minuti|мин|dk|dakika|menit)\.?\s*"
    r"(?:read|reading|de\s+lectura|de\s+leitura|de\s+lecture|lesezeit|lesedauer|di\s+lettura|"
    r"чтения|okuma(?:\s+süresi)?|baca|leitura|lectura)" + NOT_LETTER_AFTER
    + r"|(?:read(?:ing)?\s+time|lesezeit|lesedauer|lectura|leitura|temps\s+de\s+lecture|"
    r"tempo\s+di\s+lettura|время\s+чтения|okuma\s+süresi|waktu\s+baca)\s*:?\s*(?:de\s+)?\d+\s*"
    r"(?:min|mins|minutes?|minuten|minutos|minuti|мин|dk|dakika|menit)\.?" + NOT_LETTER_AFTER,
    re.I,
)
_ALL_UNITS = list(lx.SUFFIX_UNITS) + list(lx.PREFIX_UNITS)
# A number and a unit with no ago-word: "walks 8 hours", "2 days" -- a duration, not a time.
DURATION = re.compile(r"\d+(?:[.,]\d+)?\s*" + alternation(_ALL_UNITS, left=False))
# A number and some other word: "8 comments", "Top 10 stories".
COUNT = re.compile(r"(?<![\d:./\-])(?P<n>\d+)(?![\d./\-]|:\d)")
