"""What went wrong with a page, said plainly: failed fetches, binary bodies, lying charsets.

The spider asks here so that every fault gets one short kind (a stats key,
``pages/failed/<kind>``) and one message an operator understands, instead of Scrapy's bare
exception names or an empty string.
"""

from __future__ import annotations

import codecs
import re

from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

from crawler.error_names import public_name

# Kinds that are policy, not failure: the run is not partial because of them.
NOT_FAILURES = {"robots"}


def describe_failure(failure, settings=None) -> tuple[str, str]:
    """(kind, message) for a failed request's Twisted Failure."""
    exc = failure.value
    request = getattr(failure, "request", None)
    retries = int((request.meta.get("retry_times") if request is not None else 0) or 0)
    retried = f" (after {retries} retr{'y' if retries == 1 else 'ies'})" if retries else ""

    def setting(name: str, default: object) -> object:
        return settings.get(name, default) if settings is not None else default

    if isinstance(exc, HttpError):
        status = exc.response.status
        return f"http_{status}", f"HTTP {status} from the server{retried}"
    if isinstance(exc, DownloadCancelledError):
        limit = int(setting("DOWNLOAD_MAXSIZE", 0) or 0)
        return "too_large", (f"body larger than DOWNLOAD_MAXSIZE ({limit} bytes): download "
                             f"cancelled, page skipped")
    if isinstance(exc, DownloadTimeoutError | TwistedTimeoutError | TCPTimedOutError):
        limit = setting("DOWNLOAD_TIMEOUT", "?")
        return "timeout", f"no complete answer within DOWNLOAD_TIMEOUT={limit}s{retried}"
    if isinstance(exc, ResponseDataLossError):
        return "truncated", ("the server closed the connection before the whole body arrived "
                             f"(shorter than its Content-Length){retried}")
    if isinstance(exc, ConnectionRefusedError):
        return "connection", f"connection refused{retried}"
    if isinstance(exc, DNSLookupError):
        return "dns", f"host name not found{retried}"
    if isinstance(exc, IgnoreRequest):
        text = str(exc) or public_name(exc)
        if "robots.txt" in text:
            return "robots", "disallowed by the site's robots.txt (ROBOTSTXT_OBEY): not fetched"
        if "max redirections" in text:
            limit = setting("REDIRECT_MAX_TIMES", "?")
            return "redirect_loop", f"gave up after REDIRECT_MAX_TIMES={limit} redirects (a loop?)"
        if "redirect loop" in text:
            return "redirect_loop", text
        return "ignored", text
    text = str(exc) or public_name(exc)
    return "error", f"{public_name(exc)}: {text}"[:300]


def looks_binary(body: bytes, sample: int = 4096) -> bool:
    """True for bodies that are not text whatever their Content-Type says: control characters
    (NUL included) make up a real share of the first `sample` bytes. Random or compressed data
    has about 11% of them, text next to none; a stray NUL in an article is text's, not a sign
    of binary data, so no single byte decides."""
    head = body[:sample]
    if not head:
        return False
    control = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return control / len(head) > 0.05


# The bytes looks_binary counts (deleting them and comparing lengths counts them in C).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


# Characters XML (and so lxml's tree API) cannot hold; a page with one next to a <script> made
# the whole extraction fail. They carry no text, so they are dropped before parsing.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The same characters written as character references (&#31; &#x1F;), which the parser decodes.
XML_INVALID_REF = re.compile(r"&#(?:[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F])(?![0-9a-fA-F])"
                             r"|0*(?:[0-8]|1[124-9]|2[0-9]|3[01])(?![0-9]));?")


def page_text(response, lang: str | None = None) -> tuple[str | bytes, str | None]:
    """The page as text without XML-invalid control characters (see _decoded), and a note when
    its charset was missing or wrong."""
    text, problem = _decoded(response, lang)
    if isinstance(text, str):
        text = XML_INVALID_REF.sub("", XML_INVALID.sub("", text))
    return text, problem


def _decoded(response, lang: str | None = None) -> tuple[str | bytes, str | None]:
    """The page as text, and a note when its charset was missing or wrong.

    A declared charset (BOM, then the HTTP header, then <meta charset>) is used when it decodes
    the bytes; when it cannot (a page whose meta tag says UTF-8 but sends windows-1252), UTF-8
    and then the legacy encoding of the page's language are tried strictly. An undeclared page
    is read as UTF-8 if it is valid UTF-8, else in the legacy encoding the HTML standard gives
    its language (windows-1252 for most Western languages, Shift_JIS for Japanese...), which is
    more reliable on short pages than a statistical guess."""
    body = response.body
    if not isinstance(getattr(response, "text", None), str):
        return body, None
    bom, _ = read_bom(body)
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
    declared = bom or http_content_type_encoding(content_type) or html_body_declared_encoding(body)
    legacy = legacy_encoding(_html_lang(body) or lang)
    if declared:
        try:
            body.decode(declared)
            return response.text, None
        except (UnicodeDecodeError, LookupError):
            pass
        for candidate in ("utf-8", legacy):
            if _same_codec(candidate, declared):
                continue
            try:
                return body.decode(candidate), f"charset_mismatch: declared {declared}, read as {candidate}"
            except UnicodeDecodeError:
                continue
        return response.text, f"charset_mismatch: bytes invalid in {declared}"
    for candidate in ("utf-8", legacy):
        try:
            text = body.decode(candidate)
        except UnicodeDecodeError:
            continue
        return text, (None if candidate == "utf-8" else f"charset_missing: read as {candidate}")
    return response.text, f"charset_missing: guessed {getattr(response, 'encoding', '?')}"


# The HTML standard's fallback encodings by language (when a page declares none).
_LEGACY = {
    "ar": "cp1256", "fa": "cp1256", "ur": "cp1256", "he": "cp1255", "el": "iso-8859-7",
    "ru": "cp1251", "uk": "cp1251", "be": "cp1251", "bg": "cp1251", "mk": "cp1251",
    "sr": "cp1251", "kk": "cp1251", "ky": "cp1251", "tt": "cp1251", "ba": "cp1251",
    "cs": "cp1250", "hr": "cp1250", "hu": "cp1250", "pl": "cp1250", "ro": "cp1250",
    "sk": "cp1250", "sl": "cp1250", "et": "cp1257", "lt": "cp1257", "lv": "cp1257",
    "tr": "cp1254", "az": "cp1254", "ku": "cp1254", "th": "cp874", "vi": "cp1258",
    "ja": "shift_jis", "ko": "euc-kr", "zh": "gb18030", "zh-tw": "big5", "zh-hk": "big5",
}
_LANG = re.compile(rb"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z]{2,4})?)", re.I)


def legacy_encoding(lang: str | None) -> str:
    code = (lang or "").lower().replace("_", "-")
    return _LEGACY.get(code) or _LEGACY.get(code.split("-")[0]) or "cp1252"


def _html_lang(body: bytes) -> str | None:
    match = _LANG.search(body[:4096])
    return match.group(1).decode("ascii") if match else None


def _same_codec(a: str, b: str) -> bool:
    try:
        return codecs.lookup(a).name == codecs.lookup(b).name
    except LookupError:
        return False
