"""Reading the lead's meta line: who published the story and when.

Under a headline, pages print labels ("By", "Source:", "Published:"), names, times, separators and
publisher logos in every order. A label says what the next words are, so the publisher is never
taken from an author's name or from the label itself ("Por", "Published"), and a "Source: X" line
below the body names the publisher as surely as one above it. Words are the label vocabularies of
the languages aggregators use; a page in another language still gets the positional rules (the
short name beside the time, a logo's alt text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.extract.cards import AUTHOR_HINT, SOURCE_HINT
from crawler.extract.noise import is_sponsored_label, is_ui_string
from crawler.extract.parse import attr_match, leaves, norm, tag_of
from crawler.extract.timetext import (
    PUBLISHED_WORDS,
    UPDATED_WORDS,
    find_time,
    is_time_text,
    strip_separators,
)
from crawler.timestamps import lexicon as lx

_COLON = r"\s*[:：]?\s*"


def _words(words) -> str:
    """An anchored alternation, longest first ("last updated" before "updated")."""
    return "^(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + ")"

SOURCE_LABEL = re.compile(
    r"^(?:source|sources|via|provided by|courtesy of|fuente|fonte|quelle|kaynak|sumber|"
    r"источник|المصدر|स्रोत|出典|出所|提供|来源|來源|출처)" + _COLON, re.IGNORECASE)
AUTHOR_LABEL = re.compile(
    r"^(?:by|written by|reporting by|words by|story by|por|par|von|di|oleh|yazan|автор|авторы|"
    r"بقلم|كتب|लेखक|文|記者|作者|기자|글)" + _COLON, re.IGNORECASE)
# An update time is not the publication time: "Updated 2 hours ago" beside an older story.
UPDATED_LABEL = re.compile(_words(UPDATED_WORDS) + _COLON, re.IGNORECASE)
TIME_LABEL = re.compile(_words(PUBLISHED_WORDS) + _COLON, re.IGNORECASE)
_LABELS = (("source", SOURCE_LABEL), ("author", AUTHOR_LABEL), ("updated", UPDATED_LABEL),
           ("time", TIME_LABEL))
_ICON = re.compile(r"fav|icon|logo|brand|avatar|publisher|source", re.I)
_NO_CREDIT = ("figcaption", "figure", "blockquote", "cite")
# Left over from a time the time finder only partly read: "à 12h14 (CEST)", "+5:30", "(MSK)".
_TIME_REMNANT = re.compile(r"\d{1,2}\s*[:h.]\s*\d{2}|^\(.*\)$|^[+-]\d|\b(?:GMT|UTC)\b")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# A weekday alone is a piece of a date ("Monday", "Tue", "sexta-feira"), never a publisher.
_WEEKDAY = re.compile(
    r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?\.?$|^(?:wednes|satur)day$|"
    r"^(?:lunes|martes|miércoles|jueves|viernes|sábado|domingo|segunda|terça|quarta|quinta|"
    r"sexta)(?:-feira)?$|^(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|montag|"
    r"dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lunedì|martedì|mercoledì|giovedì|"
    r"venerdì|sabato|senin|selasa|rabu|kamis|jumat|sabtu|minggu|pazartesi|salı|çarşamba|"
    r"perşembe|cuma|cumartesi|pazar|понедельник|вторник|среда|четверг|пятница|суббота|"
    r"воскресенье)$", re.IGNORECASE)
_MONTH_WORDS = frozenset([*lx.MONTHS, *lx.MONTHS_LANG])
# Interface lines that start like this are links and labels, not names.
_UI_LEAD = re.compile(r"^(?:share|filed|tags?\b|tagged|posted in|categor|topics?\b|follow|"
                      r"print|email|comment|save|listen|read more|more from|photo|image)", re.I)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
# Around share buttons, comment counters and photo credits: never the publisher.
_NOT_SOURCE_CLASS = re.compile(
    r"share|social|sharing|comment|caption|credit|photo|image|media|figure|print|reprint|"
    r"bookmark|email|follow|subscribe|tool", re.IGNORECASE)
_SOCIAL_HREF = re.compile(
    r"facebook\.|twitter\.|instagram\.|youtube\.|tiktok\.|x\.com/intent|whatsapp|flipboard|"
    r"linkedin\.|pinterest\.|reddit\.com/submit|t\.me/share|^mailto:|^javascript:", re.I)
_BLOCKS = {"div", "p", "li", "section", "header", "footer", "td", "article", "aside", "ul", "dl",
           "dd", "table", "tr", "main", "body", "figure"}


@dataclass
class Token:
    el: object
    text: str
    block: object  # nearest block-level ancestor: tokens of one line share it
    is_logo: bool = False

    @property
    def hinted(self) -> bool:
        """Marked up as the publisher (class/itemprop source, publisher, provider...)."""
        for x in [self.el, *list(self.el.iterancestors())[:2]]:
            attrs = f"{x.get('class') or ''} {x.get('itemprop') or ''} {x.get('data-testid') or ''}"
            if attrs.strip() and attr_match(SOURCE_HINT, attrs):
                return not attr_match(AUTHOR_HINT, attrs)
        return False

    @property
    def authored(self) -> bool:
        """Inside a byline or author element: a writer's name or role, not the publisher."""
        for x in [self.el, *list(self.el.iterancestors())[:2]]:
            attrs = f"{x.get('class') or ''} {x.get('rel') or ''} {x.get('itemprop') or ''}"
            if attrs.strip() and attr_match(AUTHOR_HINT, attrs) and not attr_match(SOURCE_HINT, attrs):
                return True
        return False


def _block_of(el):
    for x in [el, *el.iterancestors()]:
        if tag_of(x) in _BLOCKS:
            return x
    return None


def _small_img(img) -> bool:
    for attr in ("width", "height"):
        v = (img.get(attr) or "").strip().removesuffix("px")
        if v.isdigit() and int(v) <= 64:
            return True
    return bool(_ICON.search(f"{img.get('class') or ''} {img.get('src') or ''}"))


def _logo_alt(img) -> str | None:
    alt = norm(img.get("alt"))
    return alt if alt and _small_img(img) else None


def tokens(region, stop=frozenset()) -> list[Token]:
    """The region's text nodes and logo alt texts in reading order."""
    out: list[Token] = []
    for el, t in leaves(region, _logo_alt):
        if stop and any(x in stop for x in el.iterancestors()):
            continue
        out.append(Token(el, t, _block_of(el), el.tag == "img"))
    return out


def label_of(text: str) -> tuple[str | None, str]:
    """(kind, the words after the label) for a labelled text, else (None, text)."""
    for kind, pattern in _LABELS:
        m = pattern.match(text)
        if m and (m.end() == len(text) or text[m.end() - 1] in " \t:：" or m.group(0)[-1] in ":："):
            return kind, text[m.end():].strip()
    return None, text


def _name_like(text: str, headline: str | None) -> bool:
    t = strip_separators(text)
    return (bool(t) and len(t) <= 60 and len(t.split()) <= 7 and t != headline
            and not is_time_text(t) and not is_ui_string(t) and not is_sponsored_label(t)
            and not t.endswith((".", "?", "!", ":", "：")) and label_of(t)[0] is None
            and not t.isdigit() and not _TIME_REMNANT.search(t) and not _WEEKDAY.match(t)
            and not _YEAR.search(t) and not t[:1].isdigit() and not t.startswith("@")
            and len(t) >= 3 and t.lower().rstrip(".") not in _MONTH_WORDS
            and not _UI_LEAD.match(t))


def plausible_publisher(text: str, el, headline: str | None = None) -> bool:
    """A short name outside share bars, credits and social links: what a publisher looks like."""
    return _name_like(text, headline) and not _in_widget(el)


def _in_widget(el) -> bool:
    """Inside a share bar, comment counter, photo credit or a social link."""
    for x in [el, *list(el.iterancestors())[:4]]:
        if tag_of(x) == "a" and _SOCIAL_HREF.search(x.get("href") or ""):
            return True
        attrs = f"{x.get('class') or ''} {x.get('id') or ''}"
        if attrs.strip() and attr_match(_NOT_SOURCE_CLASS, attrs):
            return True
    return False


def read_line(toks: list[Token], headline: str | None = None,
              authors: frozenset[str] = frozenset()) -> tuple[str | None, str | None, bool]:
    """(time text, publisher, whether the publisher was labelled) from a meta line."""
    time_raw: str | None = None
    time_at: int | None = None
    labelled: str | None = None
    names: list[tuple[int, Token, str]] = []
    expect: str | None = None
    author_block = None
    updated_at: int | None = None
    for i, tok in enumerate(toks):
        t = tok.text
        if not tok.is_logo:
            kind, rest = label_of(t)
            if kind is not None:
                expect = kind
                author_block = tok.block if kind == "author" else None
                if not rest:
                    continue
                t = rest
        if tok.is_logo:
            if expect == "source" and labelled is None:
                labelled = t
            else:
                names.append((i, tok, t))
            continue
        if expect == "source" and labelled is None and _name_like(t, headline):
            labelled = strip_separators(t)
            expect = None
            continue
        if expect == "updated":
            if (tag_of(tok.el) == "time" and (tok.el.get("datetime") or "").strip()) or \
                    find_time(t):
                expect = None  # the update's time: neither the story's time nor a name
                updated_at = i if updated_at is None else updated_at
                continue
        if time_raw is None:
            if tag_of(tok.el) == "time" and (tok.el.get("datetime") or "").strip():
                time_raw, time_at = tok.el.get("datetime").strip(), i
                continue
            if is_time_text(t):
                time_raw, time_at = strip_separators(t), i
                continue
            hit = find_time(t) if len(t) <= 90 else None
            if hit and hit[0] and not any(c.isdigit() for c in hit[1]):
                hit = None  # "USA TODAY", "Florida Today": a name ending in a day word
            if hit and (not hit[0] or not hit[2]):
                time_raw, time_at = hit[1], i
                other = strip_separators(hit[0] or hit[2])
                if other and label_of(other)[0] is None and _name_like(other, headline) and \
                        expect != "author" and other.lower() not in authors and not tok.authored:
                    names.append((i, tok, other))
                continue
        elif is_time_text(t) or (tag_of(tok.el) == "time"):
            continue
        if expect == "author" or (author_block is not None and tok.block is author_block):
            continue  # names after "By" are the writers, not the publisher
        near = [tok.el, *list(tok.el.iterancestors())[:3]]
        if (t.lower() in authors and not tok.hinted) or tok.authored or not _name_like(t, headline) \
                or any(tag_of(x) in _HEADINGS or tag_of(x) in _NO_CREDIT for x in near) \
                or (not tok.hinted and _in_widget(tok.el)):
            continue
        names.append((i, tok, strip_separators(t)))
    if labelled:
        return time_raw, labelled, True
    hinted = [n for n in names if n[1].hinted]
    if hinted:
        return time_raw, hinted[0][2], False
    if not names:
        return time_raw, None, False
    if time_at is None:
        time_at = updated_at  # the name beside an update time is still the publisher
    if time_at is None:
        return time_raw, None, False
    time_block = toks[time_at].block
    near = [n for n in names if n[1].block is time_block or n[0] == time_at]
    pool = near or [n for n in names if abs(n[0] - time_at) <= 2]
    if not pool:
        return time_raw, None, False
    best = min(pool, key=lambda n: (abs(n[0] - time_at), n[0] > time_at))
    return time_raw, best[2], False


def labelled_source(region, stop=frozenset(), headline: str | None = None) -> str | None:
    """A "Source: Publisher" line anywhere in the lead's region (above or below the body)."""
    pairs = leaves(region)
    for i, (el, text) in enumerate(pairs):
        if len(text) > 80 or label_of(text)[0] != "source":
            continue  # cheap test first: most of a region is prose
        chain = [el, *el.iterancestors()]
        if any(tag_of(x) in _NO_CREDIT for x in chain) or (stop and any(x in stop for x in chain)):
            continue
        rest = label_of(text)[1]
        if rest:
            return strip_separators(rest) if _name_like(rest, headline) else None
        if i + 1 < len(pairs):
            nel, ntext = pairs[i + 1]
            if _block_of(nel) is _block_of(el) and _name_like(ntext, headline):
                return strip_separators(ntext)
        img = next((x for x in el.iter("img") if (x.get("alt") or "").strip()), None)
        if img is not None:
            return norm(img.get("alt"))
    return None


# Between names only: "Dan Evon" is a name, "Putri dan Siti" two; "Sarah E. Needleman" one.
_NAME_SPLIT = re.compile(
    r"\s*[,;、،／/]\s*|(?<=\S)\s+(?:(?i:and|und|et|dan|ve|и|و|और)|e|y|&)\s+(?=\S)")


_TRAILING_PREP = re.compile(r"\s+(?:on|at|am|um|le|el|em|il|à|de|du)\s*$")


def strip_label(name: str) -> str:
    """"Автор: Павел Ракитин" -> "Павел Ракитин"."""
    kind, rest = label_of(norm(name))
    return rest if kind == "author" and rest else name


def split_names(text: str) -> list[str]:
    """"Ana Reis, Rui Lima and Eva Cruz" -> three names; a label, a trailing date and
    credentials ("MS", "RD") are dropped."""
    out: list[str] = []
    text = strip_label(text)
    hit = find_time(text)
    if hit:
        text = _TRAILING_PREP.sub("", hit[0])  # "Ana Reis on March 2, 2026" -> "Ana Reis"
    for part in _NAME_SPLIT.split(text):
        name = strip_separators(part)
        if 3 < len(name) <= 60 and not is_time_text(name) and name not in out:
            out.append(name)
    return out


def labelled_authors(toks: list[Token]) -> list[str]:
    """The names after a "By"/"Por"/"लेखक:" label, on the label's own line."""
    for i, tok in enumerate(toks):
        if tok.is_logo:
            continue
        kind, rest = label_of(tok.text)
        if kind != "author":
            continue
        parts = [rest] if rest else []
        for nxt in toks[i + 1:]:
            if nxt.block is not tok.block or nxt.is_logo or label_of(nxt.text)[0] is not None:
                break
            if find_time(nxt.text) or len(nxt.text) > 80:
                break
            parts.append(nxt.text)
        names = split_names(" , ".join(parts))
        if names:
            return names
    return []


# What follows a name after a comma or bar in a byline: a role or an employer, not a person.
_ROLE = re.compile(
    r"\b(?:writer|editor|correspondent|reporter|columnist|contributor|staff|desk|bureau|"
    r"press|news|media|agency|service|wire|times|post|journal|herald|tribune|daily|magazine|"
    r"network|online|digital|\.com|\.net|\.org|at-large|chief|senior|special to)\b",
    re.IGNORECASE)
_LEAD_IN = re.compile(r"^(?:analysis|opinion|commentary|review|interview|photos?|words|"
                      r"reporting|story|text)\s+by\s+", re.IGNORECASE)
# "CNN Business", "AP Sports Writer": an acronym then ordinary words names an outlet.
_ORG_ACRONYM = re.compile(r"^[A-Z]{2,5}\s+[A-Z][a-z]")
_CREDENTIAL = re.compile(r"^(?:[A-Z]{2,4}|Ph\.?D\.?|M\.?D\.?|Jr\.?|Sr\.?)$")


def clean_authors(names: list[str]) -> list[str]:
    """Author strings as pages and JSON-LD give them -> the people: "TOM KRISHER, AP Auto
    Writer" -> "TOM KRISHER"; "Ana Reis Published 11:11 PM EST" -> "Ana Reis"; credentials,
    roles and employers after a comma or bar are dropped. A byline that is only an
    organisation ("Reuters") stays as it is."""
    out: list[str] = []
    for raw in names:
        text = _LEAD_IN.sub("", strip_label(norm(raw)))
        hit = find_time(text)
        if hit and hit[0]:
            text = hit[0]
        words = text.split()
        if len(words) > 1 and label_of(words[-1])[0] in ("time", "updated"):
            text = " ".join(words[:-1])
        parts = [strip_separators(x) for x in re.split(r"\s*[,|;]\s*|\s+(?:and|&)\s+", text)]
        parts = [x for x in parts if x]
        people = [x for x in parts if not _ROLE.search(x) and not _CREDENTIAL.match(x)
                  and not _ORG_ACRONYM.match(x)
                  and len(x) >= 3 and not x.islower()]
        for name in people or parts[:1]:
            if name not in out:
                out.append(name)
    return out
