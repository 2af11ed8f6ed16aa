"""The page's language: declared (html lang, og:locale, JSON-LD, Content-Language) or guessed.

The guess is deliberately cheap: the script for non-Latin languages, a handful of function words
for Latin-script ones. It only feeds the time parser a hint and fills `lang` when nothing is
declared, so a wrong guess costs little.
"""

from __future__ import annotations

import re

_SCRIPTS = [
    ("hi", re.compile(r"[\u0900-\u097f]")), ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")), ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")), ("zh", re.compile(r"[\u4e00-\u9fff]")),
]
_WORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "for", "with", "was", "said"},
    "es": {"el", "la", "de", "que", "y", "los", "las", "en", "por", "una", "del", "para", "se"},
    "pt": {"o", "a", "de", "que", "e", "os", "as", "em", "para", "uma", "do", "da", "não", "com"},
    "fr": {"le", "la", "les", "de", "des", "et", "est", "une", "dans", "pour", "qui", "du", "au"},
    "de": {"der", "die", "das", "und", "ist", "nicht", "mit", "ein", "eine", "den", "zu", "von"},
    "it": {"il", "di", "che", "e", "la", "per", "una", "non", "sono", "della", "del", "gli"},
    "id": {"yang", "dan", "di", "ini", "itu", "dengan", "untuk", "tidak", "dari", "akan", "pada"},
    "tr": {"ve", "bir", "bu", "için", "ile", "da", "de", "olarak", "çok", "daha", "olan"},
}
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)


def normalise(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip().replace("_", "-").split("-")[0].lower()
    return code if 2 <= len(code) <= 3 and code.isalpha() else None


def guess(text: str) -> str | None:
    sample = text[:3000]
    if not sample:
        return None
    for code, pattern in _SCRIPTS:
        if len(pattern.findall(sample)) > 20:
            if code == "zh" and _SCRIPTS[4][1].search(sample):
                return "ja"
            return code
    words = [w.lower() for w in _TOKEN.findall(sample)]
    if len(words) < 8:
        return None
    best, best_n = None, 0
    for code, vocab in _WORDS.items():
        n = sum(1 for w in words if w in vocab)
        if n > best_n:
            best, best_n = code, n
    return best if best_n >= 3 else None


def detect(declared: list[str | None], text: str) -> str | None:
    for code in declared:
        norm_code = normalise(code)
        if norm_code:
            return norm_code
    return guess(text)
