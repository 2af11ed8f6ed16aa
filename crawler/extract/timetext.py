"""Spotting publication-time text inside page text, in the languages aggregators use.

This only *finds* the span ("2 hours ago", "hace 3 horas", "June 12, 2025 10:30 IST"); turning
it into an instant is crawler.timestamps' job. Finding the span also splits text a page glues
together, e.g. "Hindustan Herald2 hours ago" -> ("Hindustan Herald", "2 hours ago").
"""

from __future__ import annotations

import re
from functools import lru_cache

from crawler.timestamps import lexicon as lx
from crawler.timestamps import locate
from crawler.timestamps.patterns import alternation
from crawler.timestamps.zones import ZONE_NAMES

_NUM = r"(?:\d{1,3}|an?|one|few|a few)"
# Month names and abbreviations of every language the parser knows, longest first ("mayo"
# before "may").
_MONTHS = alternation([*lx.MONTHS, *lx.MONTHS_LANG]) + r"\.?"
_CLOCK = (r"(?:\s*(?:,|،|at|um|à|às|alle|ore|a las|в|pukul)?\s*\d{1,2}(?:[:.]|h(?=\d))\d{2}(?:\s*[ap]\.?m\.?)?"
          r"(?:\s*(?:uhr|h))?(?:\s*\(?(?:(?:UTC|GMT)\s?[+-]\d{1,2}(?::?\d{2})?|(?-i:[A-Z]{2,5}İ?)|[+-]\d{2}:?\d{2}|"
          + alternation(ZONE_NAMES) + r")\)?)?)?")
# Relative forms come from the time parser's own vocabulary (crawler.timestamps.lexicon), so
# every unit, ago-word and app-style short age it can read ("22 Std.", "4 ч", "il y a 2 h",
# "13 sa", "15 mnt") is also found here, glued to a publisher or an icon's text or not.
_NUMW = alternation([w for w in lx.NUMBER_WORDS if w.isascii() or not w.isalpha()] + ["a few"], right=True)
_COUNT = rf"(?:(?<!\d)\d{{1,3}}(?:[.,]5)?\s*|{_NUMW}(?:(?<=')|\s+))"  # "un'ora fa"
_REL_SUFFIX = (rf"{_COUNT}{alternation(lx.SUFFIX_UNITS, left=False)}\.?\s*"
               rf"{alternation(lx.SUFFIX_AGO, left=False)}")
_REL_BARE = rf"{alternation(lx.SUFFIX_BARE_UNITS)}\s*{alternation(lx.SUFFIX_AGO, left=False)}"
# The ago-word may be glued to a publisher's name before it ("Der Hafenbotevor 35 Minuten").
_REL_PREFIX = rf"{alternation(lx.PREFIX_AGO, left=False)}\s*{_COUNT}?{alternation(lx.PREFIX_UNITS)}\.?"
_COMPACT_ALL = {*lx.COMPACT_UNITS, *(u for t in lx.COMPACT_UNITS_LANG.values() for u in t)}
_REL_COMPACT = (rf"(?<!\d)\d{{1,3}}\s?{alternation(_COMPACT_ALL, left=False)}\.?"
                r"(?=\s*$|\s*[|·•,\-–—])")
_PATTERNS = [
    _REL_SUFFIX, _REL_BARE, _REL_PREFIX, _REL_COMPACT,
    r"just now", r"yesterday(?:\s+at\s+\d{1,2}[:.]\d{2}(?:\s*[ap]m)?)?",
    r"today(?:\s+at\s+\d{1,2}[:.]\d{2}(?:\s*[ap]m)?)?",
    # absolute
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?",
    rf"\d{{1,2}}(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?{_MONTHS}(?:\s+(?:de\s+)?\d{{4}}|,?\s*\d{{4}})?{_CLOCK}",
    rf"{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s*\d{{4}}{_CLOCK}",
    # A byline glued to its date: "Carrie ArnoldNovember 15, 2019" (a capital month right
    # after a lower-case letter; the year makes it a date, not a word).
    rf"(?-i:(?<=[a-z])(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*)\.?\s+"
    rf"\d{{1,2}}(?:st|nd|rd|th)?,?\s*\d{{4}}{_CLOCK}",
    rf"\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}{_CLOCK}", rf"\d{{4}}/\d{{1,2}}/\d{{1,2}}{_CLOCK}",
    r"\d{4}年\d{1,2}月\d{1,2}日(?:\s*\d{1,2}[:：]\d{2})?", r"\d{4}\.\s*\d{1,2}\.\s*\d{1,2}\.?(?:\s*\d{1,2}:\d{2})?",
    r"\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:IST|UTC|GMT|ET|EST|EDT|PT|CET|CEST)",
]
TIME_RE = re.compile("(?:" + "|".join(f"(?:{p})" for p in _PATTERNS) + ")", re.IGNORECASE)
# Every pattern needs a digit or one of these words: a cheap test that skips most text.
_MAYBE = re.compile(
    r"\d|ago\b|just now|yesterday|today|hace|há|il y a|vor |fa\b|назад|منذ|前|전|lalu|önce|पहले|"
    r"atrás|قبل|faz|ayer|ontem|hier|gestern|ieri|kemarin|dün|вчера|昨日|昨天|어제|अभी|kal\b",
    re.IGNORECASE,
)
# The labels pages print before a time, in the languages aggregators use; the byline reader
# (byline.py) tells the two kinds apart, this finder only steps over them.
PUBLISHED_WORDS = ("published", "first published", "posted", "publicado", "publié", "publié le",
                   "veröffentlicht", "pubblicato", "diterbitkan", "dipublikasikan", "配信", "公開",
                   "发布", "發布", "نشر في", "نشر", "опубликовано", "yayınlanma", "yayınlandı",
                   "प्रकाशित")
UPDATED_WORDS = ("last updated", "updated", "actualizado", "atualizado", "mis à jour",
                 "aktualisiert", "stand", "aggiornato", "diperbarui", "更新", "آخر تحديث", "تحديث",
                 "обновлено", "güncelleme", "güncellendi", "अपडेटेड", "अपडेट")
_ICON_WORDS = ("on", "am", "le", "el", "em", "il", "time", "clock", "date", "schedule",
               "access_time", "watch_later", "update", "event")
_LEADIN = re.compile(
    "^(?:" + "|".join(map(re.escape, sorted({*PUBLISHED_WORDS, *UPDATED_WORDS, *_ICON_WORDS},
                                            key=len, reverse=True))) + r")\s*[:：]?\s*",
    re.IGNORECASE,
)
_SEP = re.compile(r"^[\s|·•,،\-–—:/]+|[\s|·•,،\-–—:/]+$")


@lru_cache(maxsize=16384)
def find_time(text: str) -> tuple[str, str, str] | None:
    """(before, time span, after) for the first time-like span in `text`, else None."""
    if not text or len(text) > 300 or not _MAYBE.search(text):
        return None
    matches = list(TIME_RE.finditer(text))
    if not matches:
        return _grammar_split(text)
    # Glued text ends in its time ("Weather Today1 day ago"): prefer a match at the very end.
    m = matches[-1] if not text[matches[-1].end():].strip(" .)]") else matches[0]
    span = m.group(0).strip().rstrip(".)]").strip()
    if len(span) < 2:
        return None
    before = _SEP.sub("", text[: m.start()])
    after = _SEP.sub("", text[m.end():])
    if (after and len(after) <= 40) or (not after and m.group(0)[-1].isdigit()):
        # "28 juin 2024" of "28 juin 2024 à 12h14 (CEST)": the grammar may read further.
        fuller = _grammar_split(text)
        if fuller is not None and span in fuller[1] and len(fuller[1]) > len(span):
            return fuller
    return before, span, after


def _grammar_split(text: str) -> tuple[str, str, str] | None:
    """The parser's own grammars as the finder of last resort: every shape they read ("vor 4
    Std.", "5 mai 2024 à 01h59 (CEST)", "15 ч") is found without a span pattern of its own."""
    if len(text) > 120 or text.count(" ") > 9:
        return None  # times are short; a sentence with a number is not worth the grammars
    hit = locate(text)
    if hit is None:
        return None
    before, span, after = hit
    span = span.strip().rstrip(".)]").strip()
    if len(span) < 2:
        return None
    return _SEP.sub("", before), span, _SEP.sub("", after)


@lru_cache(maxsize=16384)
def is_time_text(text: str) -> bool:
    """The whole text is a time (allowing a 'Published:'-style lead-in and separators)."""
    if not text or len(text) > 70:
        return False
    hit = find_time(text)
    if not hit:
        return False
    before, _span, after = hit
    before = _LEADIN.sub("", before).strip()
    return not before and len(after) <= 3


def strip_separators(text: str) -> str:
    return _SEP.sub("", text)
