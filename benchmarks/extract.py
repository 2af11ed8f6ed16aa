"""Benchmark: crawler.extract against trafilatura.extract on the same pages, in the same run.

Quality on tests/fixtures/layouts (hand-checked .expected.json beside each page):
  - lead headline, publisher and time right on every page;
  - teaser recall and precision (every expected teaser found; nothing else listed, so no
    navigation or sponsored link);
  - body token F1 on the publisher pages, ours vs trafilatura.extract's.
Speed: whole extraction (lead, metadata, teasers) vs trafilatura.extract computing the body alone,
both over the fixture pages plus the bundled demo site's article pages, single process.

    .venv/bin/python benchmarks/extract.py [--seconds 8]

Last line: bench extract pages_per_s=... trafilatura_pages_per_s=... body_f1=... trafilatura_f1=...
teaser_recall=... teaser_precision=... ratio=<ours/trafilatura pages per second>
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import warnings
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.extract import extract, lead_to_json, teaser_to_json  # noqa: E402

LAYOUTS = ROOT / "tests" / "fixtures" / "layouts"
_TOKEN = re.compile(r"\w+", re.UNICODE)


def token_f1(got: str | None, want: str) -> float:
    g, w = Counter(_TOKEN.findall((got or "").lower())), Counter(_TOKEN.findall(want.lower()))
    common = sum((g & w).values())
    if not common:
        return 0.0
    p, r = common / sum(g.values()), common / sum(w.values())
    return 2 * p * r / (p + r)


def load_fixtures() -> list[dict]:
    cases = []
    for exp_path in sorted(LAYOUTS.glob("*.expected.json")):
        exp = json.loads(exp_path.read_text(encoding="utf-8"))
        name = exp_path.name.removesuffix(".expected.json")
        exp["name"] = name
        exp["html"] = (LAYOUTS / f"{name}.html").read_bytes()
        exp["now"] = datetime.fromisoformat(exp["fetched_at"].replace("Z", "+00:00"))
        cases.append(exp)
    return cases


def demo_pages() -> list[tuple[str, bytes, str]]:
    """(url, html, expected body) for the demo site's article pages, if the demo site exists."""
    try:
        from crawler.demo_site.site import DemoSite
    except ImportError:
        return []
    site = DemoSite()
    out = []
    for story in site.stories:
        body = "\n".join([*story.paragraphs, *story.subheads[:1]])
        out.append(("https://daily8.com" + story.path, site.render(story.path), body))
    return out


def quality(cases: list[dict]) -> dict:
    lead_ok = {"headline": 0, "source": 0, "time": 0}
    found = expected = hits = 0
    wrong_pages = []
    for c in cases:
        got = extract(c["html"], url=c["url"], fetched_at=c["now"])
        lead = lead_to_json(got.lead) or {}
        want = c["lead"]
        ok_h = lead.get("headline") == want["headline"]
        ok_s = lead.get("source") == want["source"]
        ok_t = (lead.get("published_at"), lead.get("published_raw")) == (want["published_at"], want["published_raw"])
        lead_ok["headline"] += ok_h
        lead_ok["source"] += ok_s
        lead_ok["time"] += ok_t
        if not (ok_h and ok_s and ok_t):
            wrong_pages.append(c["name"])
        got_urls = [teaser_to_json(t)["url"] for t in got.related]
        want_urls = {t["url"] for t in c["related"]}
        found += len(got_urls)
        expected += len(want_urls)
        hits += len(want_urls & set(got_urls))
    return {"pages": len(cases), "lead_ok": lead_ok, "wrong": wrong_pages,
            "recall": hits / expected if expected else 1.0, "precision": hits / found if found else 1.0}


def bodies(cases: list[dict], demo: list[tuple[str, bytes, str]]) -> dict:
    import trafilatura

    pubs = [c for c in cases if c["kind"] == "publisher"]
    ours = [token_f1(lead_to_json(extract(c["html"], url=c["url"], fetched_at=c["now"]).lead)["body"],
                     c["lead"]["body"]) for c in pubs]
    theirs = [token_f1(trafilatura.extract(c["html"], url=c["url"]), c["lead"]["body"]) for c in pubs]
    out = {"ours": sum(ours) / len(ours), "theirs": sum(theirs) / len(theirs),
           "per_page": [(c["name"], round(a, 3), round(b, 3)) for c, a, b in zip(pubs, ours, theirs, strict=True)]}
    if demo:
        d_ours = [token_f1((extract(h, url=u).lead.body if extract(h, url=u).lead else ""), b) for u, h, b in demo]
        d_theirs = [token_f1(trafilatura.extract(h, url=u), b) for u, h, b in demo]
        out["demo_ours"] = sum(d_ours) / len(d_ours)
        out["demo_theirs"] = sum(d_theirs) / len(d_theirs)
    return out


def rate(fn, pages: list[tuple[str, bytes]], seconds: float) -> float:
    """Pages per second of fn(url, html) over `pages`, repeated for about `seconds`."""
    for url, html in pages[:3]:
        fn(url, html)  # warm-up (imports, caches)
    done, start = 0, time.perf_counter()
    while True:
        for url, html in pages:
            fn(url, html)
        done += len(pages)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=8.0, help="timing window per contender")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    import trafilatura

    cases = load_fixtures()
    demo = demo_pages()
    q = quality(cases)
    b = bodies(cases, demo)
    print(f"fixture pages: {q['pages']} ({sum(c['kind'] == 'aggregator' for c in cases)} aggregator, "
          f"{sum(c['kind'] == 'publisher' for c in cases)} publisher); demo site article pages: {len(demo)}")
    print("lead right: " + ", ".join(f"{k} {v}/{q['pages']}" for k, v in q["lead_ok"].items())
          + (f"  wrong on: {', '.join(q['wrong'])}" if q["wrong"] else ""))
    print(f"teasers: recall {q['recall']:.3f} precision {q['precision']:.3f}")
    print("body F1 per publisher page (ours, trafilatura):")
    for name, ours, theirs in b["per_page"]:
        print(f"  {name:28s} {ours:.3f} {theirs:.3f}")
    print(f"body F1 publisher pages: ours {b['ours']:.3f} trafilatura {b['theirs']:.3f}")
    if demo:
        print(f"body F1 demo-site lead bodies: ours {b['demo_ours']:.3f} trafilatura {b['demo_theirs']:.3f}")

    pages = [(c["url"], c["html"]) for c in cases] + [(u, h) for u, h, _b in demo]
    ours = rate(lambda u, h: extract(h, url=u), pages, args.seconds)
    theirs = rate(lambda u, h: trafilatura.extract(h, url=u), pages, args.seconds)
    fast = rate(lambda u, h: trafilatura.extract(h, url=u, fast=True), pages, args.seconds / 2)
    print(f"speed over {len(pages)} pages: ours {ours:.1f} pages/s (lead + metadata + teasers), "
          f"trafilatura.extract {theirs:.1f} pages/s (body only), "
          f"trafilatura.extract(fast=True) {fast:.1f} pages/s")
    print(f"bench extract pages_per_s={ours:.1f} trafilatura_pages_per_s={theirs:.1f} "
          f"body_f1={b['ours']:.3f} trafilatura_f1={b['theirs']:.3f} teaser_recall={q['recall']:.3f} "
          f"teaser_precision={q['precision']:.3f} ratio={ours / theirs:.2f}")


if __name__ == "__main__":
    main()
