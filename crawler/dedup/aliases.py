"""Exact aliases: one text under two URLs of one site is one story.

A bounded map from (site, text hash) to the story that showed the text first, and from an alias
URL's fingerprint to that story, so later sightings of the alias (teasers linking to it, the page
snapshot naming it as lead) land on the same document.
"""

from __future__ import annotations

from collections import OrderedDict


class AliasIndex:
    def __init__(self, max_items: int = 20_000):
        self.max_items = max(1, max_items)
        self.by_text: OrderedDict[tuple[str, str], tuple[str, str]] = OrderedDict()
        self.by_alias: OrderedDict[str, str] = OrderedDict()

    def story_for_text(self, site: str, digest: str) -> tuple[str, str] | None:
        """(fingerprint, canonical_url) of the story first seen with this text on this site."""
        return self.by_text.get((site, digest))

    def remember_text(self, site: str, digest: str, fingerprint: str, canonical_url: str) -> None:
        self.by_text.setdefault((site, digest), (fingerprint, canonical_url))
        _trim(self.by_text, self.max_items)

    def remember_alias(self, alias_fingerprint: str, story_fingerprint: str) -> None:
        if alias_fingerprint != story_fingerprint:
            self.by_alias[alias_fingerprint] = story_fingerprint
            _trim(self.by_alias, self.max_items)

    def resolve(self, fingerprint: str | None) -> str | None:
        return self.by_alias.get(fingerprint, fingerprint) if fingerprint else fingerprint


def _trim(mapping: OrderedDict, limit: int) -> None:
    while len(mapping) > limit:
        mapping.popitem(last=False)
