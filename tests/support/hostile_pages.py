"""Hostile and broken pages for the fault tests, generated in code (nothing copied from real
sites): article pages laid out like the daily8 demo site, then damaged in one way each."""

from __future__ import annotations

from html import escape

PARAS = (
    "Engineers at the Harbourside depot said the new ferry timetable would start next month "
    "after a long consultation with residents.",
    "Council members argued that the extra crossings would relieve the bridge, while traders "
    "asked for a trial period before the change becomes permanent.",
    "A spokesperson for the operator promised weekly figures on punctuality during the trial.",
)


def article(headline: str, paras: tuple[str, ...] = PARAS, related: tuple[tuple[str, str], ...] = (),
            publisher: str = "Harbour Herald", when: str = "2 hours ago", head: str = "",
            charset: str | None = "utf-8", extra_body: str = "") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    cards = "".join(
        f'<div class="related-card"><div class="card-source">Quay Courier</div>'
        f'<div class="card-time">1 hour ago</div>'
        f'<h3 class="card-title"><a href="{escape(url)}">{escape(title)}</a></h3>'
        f'<p class="card-snippet">{escape(title)} in brief.</p></div>'
        for url, title in related
    )
    body = "".join(f"<p>{escape(p)}</p>" for p in paras)
    return (
        f"<!DOCTYPE html><html lang=\"en\"><head>{meta}<title>{escape(headline)}</title>{head}"
        f"</head><body><main><article class=\"lead-story\">"
        f"<h1 class=\"story-title\">{escape(headline)}</h1>"
        f"<div class=\"story-meta\"><span class=\"publisher\">{escape(publisher)}</span>"
        f"<span class=\"time\">{escape(when)}</span></div>"
        f"<div class=\"story-body\">{body}</div></article>{extra_body}"
        f"<section class=\"related\"><h2>Related Articles</h2>{cards}</section>"
        f"</main></body></html>"
    )


def nested(depth: int) -> str:
    """A DOM nested `depth` levels deep, as an attacker would send it."""
    return "<div>" * depth + "deep" + "</div>" * depth
