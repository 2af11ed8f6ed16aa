"""Every fixture layout in tests/fixtures/layouts, asserted field by field against its
hand-checked .expected.json (12 aggregator layouts, 10 publisher pages)."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from crawler.extract import extract, lead_to_json, teaser_to_json
from tests.support.crawl import FIXTURES

LAYOUTS = FIXTURES / "layouts"
NAMES = sorted(p.name.removesuffix(".expected.json") for p in LAYOUTS.glob("*.expected.json"))
NOISE = ["STORY CONTINUES BELOW THIS AD", "Advertisement", "Try Our AI Features", "No comments yet",
         "Download the App", "Sign up", "Share", "Comments", "Publicidad", "विज्ञापन", "Anzeige",
         "Subscribe now", "Read more:", "Lesen Sie auch", "Also Read"]
_TOKEN = re.compile(r"\w+", re.UNICODE)


def token_f1(got: str, want: str) -> float:
    from collections import Counter

    g, w = Counter(_TOKEN.findall(got.lower())), Counter(_TOKEN.findall(want.lower()))
    common = sum((g & w).values())
    if not common:
        return 0.0
    p, r = common / sum(g.values()), common / sum(w.values())
    return 2 * p * r / (p + r)


def run(name: str):
    exp = json.loads((LAYOUTS / f"{name}.expected.json").read_text(encoding="utf-8"))
    html = (LAYOUTS / f"{name}.html").read_bytes()
    got = extract(html, url=exp["url"], fetched_at=datetime.fromisoformat(exp["fetched_at"].replace("Z", "+00:00")))
    return exp, got


def test_enough_layouts():
    assert sum(n.startswith("agg") for n in NAMES) >= 12
    assert sum(n.startswith("pub") for n in NAMES) >= 10


@pytest.mark.parametrize("name", NAMES)
def test_lead(name):
    exp, got = run(name)
    assert got.lead is not None, got.problems
    lead, want = lead_to_json(got.lead), exp["lead"]
    for key in ("headline", "source", "published_raw", "published_at", "authors", "lang", "image"):
        assert lead[key] == want[key], key
    assert token_f1(lead["body"], want["body"]) >= 0.98
    for noise in NOISE:
        assert noise.lower() not in lead["body"].lower().split("\n"), noise
        assert not any(line.lower().startswith(noise.lower()) for line in lead["body"].split("\n")), noise


@pytest.mark.parametrize("name", NAMES)
def test_related(name):
    exp, got = run(name)
    related = [teaser_to_json(t) for t in got.related]
    assert [t["url"] for t in related] == [t["url"] for t in exp["related"]]
    for t, want in zip(related, exp["related"], strict=True):
        for key in ("headline", "source", "published_raw", "summary"):
            assert t[key] == want[key], (t["url"], key)
        if want["published_at"] and re.match(r"\d{4}-\d\d-\d\dT|\d+ (minutes|hours) ago$", want["published_raw"] or ""):
            assert t["published_at"] == want["published_at"], t["url"]
        assert t["url"].startswith(("http://", "https://")) and "#" not in t["url"]
