"""An app shell (empty root, story only in embedded state): the lead is what the state says."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from crawler.extract import extract

NOW = datetime(2026, 5, 2, 10, 0, tzinfo=UTC)
STATE = {
    "page": {"article": {
        "title": "Night trains return to the coast line after a decade",
        "provider": {"displayName": "Coastline Courier"},
        "publishedAt": "2026-05-02T06:15:00Z",
        "byline": "By Mara Lind",
        "paragraphs": [f"Paragraph {i}: the operator confirmed sleeper services will run three "
                       f"nights a week from June, with tickets on sale next month." for i in range(5)],
    }, "related": [
        {"title": "Harbour bridge repairs finish ahead of schedule", "url": "/s/bridge-repairs",
         "provider": {"displayName": "Bay Herald"}, "publishedAt": "2026-05-02T08:00:00Z"},
        {"title": "City council backs plan for more cycle lanes downtown", "url": "/s/cycle-lanes",
         "provider": {"displayName": "Metro Post"}, "publishedAt": "2026-05-01T22:00:00Z"},
    ]},
}
LD = {"@context": "https://schema.org", "@type": "NewsArticle",
      "headline": "Night trains return to the coast line after a decade - Coastline Courier",
      "publisher": {"@type": "Organization", "name": "Swiftread"},
      "datePublished": "2026-05-02T06:15:00Z"}


def _page(script: str) -> str:
    return ('<html><head><title>Swiftread</title><script type="application/ld+json">'
            f'{json.dumps(LD)}</script></head><body><div id="app"></div>'
            f'<script>{script}</script></body></html>')


def test_lead_from_window_state_not_from_the_aggregators_jsonld():
    html = _page("window.__INITIAL_STATE__ = " + json.dumps(STATE) + ";")
    got = extract(html, url="https://swiftread.example/s/night-trains", fetched_at=NOW)
    assert got.lead is not None, got.problems
    assert got.lead.headline == "Night trains return to the coast line after a decade"
    assert got.lead.source == "Coastline Courier"
    assert got.lead.published_at == datetime(2026, 5, 2, 6, 15, tzinfo=UTC)
    assert "sleeper services" in (got.lead.body or "")
    assert {t.url for t in got.related} == {"https://swiftread.example/s/bridge-repairs",
                                            "https://swiftread.example/s/cycle-lanes"}


def test_nuxt_state_reads_the_same():
    html = _page("window.__NUXT__ = " + json.dumps({"data": [STATE]}) + ";")
    got = extract(html, url="https://swiftread.example/s/night-trains", fetched_at=NOW)
    assert got.lead.source == "Coastline Courier"
    assert len(got.related) == 2


def test_state_body_leaves_out_linked_blocks_and_also_read_lines():
    state = json.loads(json.dumps(STATE))
    article = state["page"]["article"]
    article["body"] = [
        {"type": "paragraph", "text": article["paragraphs"][0]},
        {"type": "related-link", "text": "Also read: Harbour bridge repairs finish ahead of schedule",
         "url": "/s/bridge-repairs"},
        {"type": "paragraph", "text": article["paragraphs"][1]},
    ]
    del article["paragraphs"]
    got = extract(_page("window.__INITIAL_STATE__ = " + json.dumps(state) + ";"),
                  url="https://swiftread.example/s/night-trains", fetched_at=NOW)
    assert "Paragraph 1:" in got.lead.body
    assert "bridge repairs" not in got.lead.body


def test_state_html_body_drops_the_inline_teaser_link():
    state = json.loads(json.dumps(STATE))
    article = state["page"]["article"]
    article["bodyHtml"] = "".join(f"<p>{p}</p>" for p in article.pop("paragraphs")[:3]) + (
        '<p><b>Also read:</b> <a href="/s/cycle-lanes">City council backs plan for more cycle '
        'lanes downtown</a></p>')
    got = extract(_page("window.__INITIAL_STATE__ = " + json.dumps(state) + ";"),
                  url="https://swiftread.example/s/night-trains", fetched_at=NOW)
    assert "Paragraph 2:" in got.lead.body
    assert "cycle lanes" not in got.lead.body
