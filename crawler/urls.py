"""Canonical URLs and the fingerprints that key stored stories.

The same story reaches an aggregator under tracking parameters, fragments, host-case and
default-port variants, AMP and mobile copies, with and without a trailing slash; all of them must
key one document. w3lib does the standard canonicalisation (sorted query, escaping); this module
adds what news links carry, and a profile may add site-specific rules (UrlRules).

Everything here is a pure function of its arguments: the same URL and rules give the same key in
every process, which is what makes the keys safe to store.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that only track the click, never select content.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ref",
        "ref_src",
        "referrer",
        "cmpid",
        "ncid",
        "ocid",
        "_ga",
        "spm",
        "share",
        "from",
        "src",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_")

# Query parameters that ask for the AMP rendering of the same story ("?outputType=amp", "?amp=1").
AMP_PARAMS = {"outputtype": {"amp"}, "amp": {"1", "true", "yes", ""}}
# Host prefixes of mobile/AMP copies of a site: m.example.com is example.com.
MOBILE_HOST_PREFIXES = ("m.", "mobile.", "amp.")
# www.example.com and example.com are one site; the key drops "www." (the fetched URL keeps it:
# a bare host may not answer).
WWW_PREFIX = "www."
TRAILING_SLASH_MODES = ("strip", "keep")
_AMP_SUFFIX = re.compile(r"\.amp(\.html?)$", re.IGNORECASE)


@dataclass(frozen=True)
class UrlRules:
    """Site-specific canonicalisation, declared in a profile's `url_rules` block.

    domains: the hosts (and their sub-domains) the rules apply to; empty = every URL.
    drop_params / drop_prefixes: more tracking parameters this site uses.
    keep_params: parameters that select content here although they look like tracking (e.g. a
    site whose article id is `?ref=123`).
    trailing_slash: "strip" (default: /a/b/ == /a/b) or "keep" (the slash is significant).
    mobile_hosts / amp: fold m./mobile./amp. hosts and AMP paths (default on).
    www: fold www.example.com onto example.com (default on; off for a site where the two
    serve different stories).
    """

    domains: tuple[str, ...] = ()
    drop_params: frozenset[str] = frozenset()
    drop_prefixes: tuple[str, ...] = ()
    keep_params: frozenset[str] = frozenset()
    trailing_slash: str = "strip"
    mobile_hosts: bool = True
    amp: bool = True
    www: bool = True

    def applies_to(self, host: str) -> bool:
        return not self.domains or any(host == d or host.endswith("." + d) for d in self.domains)

    @classmethod
    def from_mapping(cls, data: dict, domains: tuple[str, ...] = ()) -> UrlRules:
        """Build rules from a profile's mapping; ValueError names the bad key."""
        known = {"drop_params", "drop_prefixes", "keep_params", "trailing_slash", "mobile_hosts",
                 "amp", "www"}
        if not isinstance(data, dict):
            raise ValueError("must be a mapping")
        for key in data:
            if key not in known:
                raise ValueError(f"unknown field {key!r} (known: {', '.join(sorted(known))})")
        for key in ("drop_params", "drop_prefixes", "keep_params"):
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise ValueError(f"{key} must be a list of parameter names")
        slash = data.get("trailing_slash", "strip")
        if slash not in TRAILING_SLASH_MODES:
            raise ValueError(f"trailing_slash must be one of {', '.join(TRAILING_SLASH_MODES)}, not {slash!r}")
        for key in ("mobile_hosts", "amp", "www"):
            if not isinstance(data.get(key, True), bool):
                raise ValueError(f"{key} must be true or false")
        return cls(
            domains=tuple(d.lower() for d in domains),
            drop_params=frozenset(p.lower() for p in data.get("drop_params", [])),
            drop_prefixes=tuple(p.lower() for p in data.get("drop_prefixes", [])),
            keep_params=frozenset(p.lower() for p in data.get("keep_params", [])),
            trailing_slash=slash,
            mobile_hosts=data.get("mobile_hosts", True),
            amp=data.get("amp", True),
            www=data.get("www", True),
        )


DEFAULT_RULES = UrlRules()


def is_tracking_param(name: str, rules: UrlRules = DEFAULT_RULES) -> bool:
    lowered = name.lower()
    if lowered in rules.keep_params:
        return False
    return (
        lowered in TRACKING_PARAMS
        or lowered.startswith(TRACKING_PREFIXES)
        or lowered in rules.drop_params
        or (bool(rules.drop_prefixes) and lowered.startswith(rules.drop_prefixes))
    )


def _is_amp_param(name: str, value: str) -> bool:
    values = AMP_PARAMS.get(name.lower())
    return values is not None and value.lower() in values


def _fold_host(host: str) -> str:
    for prefix in MOBILE_HOST_PREFIXES:
        # Only a sub-domain is folded: "m.example.com" -> "example.com", never "m.com" -> "com".
        if host.startswith(prefix) and host.count(".") >= 2:
            return host[len(prefix):]
    return host


def _fold_www(host: str) -> str:
    # Only a sub-domain: "www.example.com" -> "example.com", never "www.com" -> "com".
    if host.startswith(WWW_PREFIX) and host.count(".") >= 2:
        return host[len(WWW_PREFIX):]
    return host


def _fold_amp_path(path: str) -> str:
    """/amp/story/x, /story/x/amp, /story/x/amp/ and /story/x.amp.html are /story/x."""
    if path.lower().startswith("/amp/"):
        path = path[4:]
    if path.endswith("/amp/") or path.endswith("/amp"):
        path = path[: path.rindex("/amp")] or "/"
    return _AMP_SUFFIX.sub(r"\1", path)


def _pick_rules(host: str, rules: UrlRules | None) -> UrlRules:
    if rules is not None and rules.applies_to(host):
        return rules
    return DEFAULT_RULES


# About 360 bytes an entry, in the crawl's process and in each extraction worker: the links of
# the pages being read and the popular stories they share. Sized to fill within the first
# thousand pages of a crawl, so a longer crawl does not grow (the spider keeps its own memo of
# each link's facts, LINK_FACTS_LIMIT, in front of this one).
@lru_cache(maxsize=4096)
def canonical_url(url: str, rules: UrlRules | None = None, *, keep_slash: bool = False,
                  keep_www: bool = False) -> str:
    """The one spelling of `url` that keys its story. Memoised (UrlRules is frozen, so
    hashable): an aggregator repeats the same story links on many pages, and canonicalising
    them again cost 6 s per 1,500 pages.

    Drops tracking parameters and the fragment, lower-cases the host, removes default ports,
    folds AMP forms (/amp/ prefixes, /amp and /amp/ suffixes, .amp.html, ?outputType=amp,
    ?amp=1) and m./mobile./amp./www. hosts, strips a trailing slash from non-root paths, and
    sorts the remaining query (w3lib). `rules` (a profile's UrlRules) adds site-specific
    behaviour for the hosts it names. `keep_slash` and `keep_www` leave the trailing slash and
    a www. host alone: the spelling to *fetch*, since some servers answer only one.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    active = _pick_rules(host, rules)
    if active.www and not keep_www:
        host = _fold_www(host)
    if active.mobile_hosts:
        host = _fold_host(host)
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: keep the URL as written
        port = None
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    pairs = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_param(k, active) and not (active.amp and _is_amp_param(k, v))
    ]
    path = parts.path or "/"
    if active.amp:
        path = _fold_amp_path(path)
    if not keep_slash and active.trailing_slash == "strip" and len(path) > 1:
        path = path.rstrip("/") or "/"
    return canonicalize_url(urlunsplit((scheme, host, path, urlencode(pairs), "")), keep_fragments=False)


def fetch_url(url: str, rules: UrlRules | None = None) -> str:
    """The spelling to request: canonical, except that the trailing slash and a www. host are
    kept as linked."""
    return canonical_url(url, rules, keep_slash=True, keep_www=True)


@lru_cache(maxsize=4096)  # every sighting asks, and the popular stories recur; sized as canonical_url's
def fingerprint(url: str, rules: UrlRules | None = None) -> str:
    """A stable key for a story: hex SHA-1 of its canonical URL."""
    return key_of(canonical_url(url, rules))


def key_of(canonical: str) -> str:
    """The fingerprint of an already canonical URL (saves canonicalising twice)."""
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()


_INDEX_PAGE = re.compile(r"^(?:index|default|home)\.(?:html?|php|aspx?|jsp)$", re.IGNORECASE)


def is_home_page(url: str) -> bool:
    """True for a site's front page ("/", "/index.html", "/?ref=nav"): never one story."""
    segments = [seg for seg in urlsplit(url).path.split("/") if seg]
    return not segments or (len(segments) == 1 and bool(_INDEX_PAGE.match(segments[0])))


def site_of(url: str) -> str:
    """The site a URL belongs to, for "same site" decisions: its host without www./m./mobile./amp."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return _fold_host(_fold_www(host))


def same_site(a: str, b: str) -> bool:
    """True when two URLs are on one site: equal hosts (after folding), or one a sub-domain of
    the other (news.example.com and example.com)."""
    sa, sb = site_of(a), site_of(b)
    if not sa or not sb:
        return False
    return sa == sb or sa.endswith("." + sb) or sb.endswith("." + sa)


def declared_canonical(page_url: str, declared: list[str | None], rules: UrlRules | None = None) -> str:
    """The URL that keys a page: its rel=canonical / og:url when that stays on the same site.

    A canonical pointing at another site (a syndicated copy naming the original publisher, or a
    misconfigured template) is not honoured: the copy stays its own story, and near-duplicate
    clustering groups it with the original instead. Relative declarations resolve against the page.
    """

    for candidate in declared:
        if not candidate or not candidate.strip():
            continue
        absolute = urljoin(page_url, candidate.strip())
        if urlsplit(absolute).scheme not in ("http", "https"):
            continue
        if same_site(page_url, absolute):
            return canonical_url(absolute, rules)
    return canonical_url(page_url, rules)


# Parameters a shown link drops: only pure click tracking, so a site's own `?id=`/`?ref=` survive.
_LINK_TRACKING = frozenset({"fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "_ga"})
_LINK_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
# RFC 3986 characters a path may carry as they are; everything else (non-ASCII) is escaped.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


@lru_cache(maxsize=4096)  # sized as canonical_url's
def clean_link(url: str) -> str:
    """The spelling of a link to show a reader: lower-case scheme and host, no fragment, no click
    tracking (utm_*, fbclid, gclid...), a non-ASCII path percent-encoded. Unlike canonical_url it
    keeps the host, the trailing slash and the parameter order as linked: it names the page the
    link opens, not the story key."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    query = parts.query
    if query:
        pairs = [p for p in query.split("&") if p]
        kept = [p for p in pairs
                if not (p.split("=", 1)[0].lower() in _LINK_TRACKING
                        or p.split("=", 1)[0].lower().startswith(_LINK_TRACKING_PREFIXES))]
        query = "&".join(kept)
    path = quote(parts.path, safe=_PATH_SAFE) if not parts.path.isascii() else parts.path
    netloc = parts.netloc.lower()
    return urlunsplit((parts.scheme.lower(), netloc, path or "/", query, ""))
