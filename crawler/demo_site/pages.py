"""HTML of the sample aggregator, laid out as daily8-style article pages are.

The quirks are deliberate: publisher and time sit in adjacent elements with no space between them
(a reader sees "First Wire8 hours ago"), the teaser time carries a glued "time" label, ad markers
and promo boxes break the body, and some teaser links carry utm_ parameters.
"""

from __future__ import annotations

from html import escape

from crawler.demo_site.content import Story

PER_LISTING = 24


def _card(story: Story, href_suffix: str = "") -> str:
    href = escape(story.path + href_suffix)
    return f"""
    <div class="related-card">
      <a class="card-image" href="{href}"><img src="{story.image_path}" alt="{escape(story.headline)}"></a>
      <div class="card-source">{escape(story.publisher)}</div>
      <div class="card-time"><span class="label">time</span>{escape(story.age_text)}</div>
      <ul class="card-publisher"><li>{escape(story.publisher)}</li></ul>
      <h3 class="card-title"><a href="{href}">{escape(story.headline)}</a></h3>
      <p class="card-snippet">{escape(story.summary)}</p>
    </div>"""


def _shell(title: str, main: str, canonical: str | None = None) -> str:
    canon = f'<link rel="canonical" href="{escape(canonical)}">' if canonical else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} | Daily Eight Demo</title>
{canon}
<link rel="stylesheet" href="/static/site.css">
</head>
<body>
<header class="site-header">
  <a class="logo" href="/"><img src="/static/logo.svg" alt="logo"></a>
  <nav class="main-nav">
    <a href="/">Top stories</a>
    <a href="/page/2.html">More stories</a>
    <a href="/about.html">About us</a>
    <a href="/privacy.html">Privacy</a>
  </nav>
</header>
<main>
{main}
</main>
<footer class="app-footer">
  <h2>GET THE APP</h2>
  <h3>Stay in the loop: install our app</h3>
  <p>Headlines from every corner, on your phone, before your coffee cools.</p>
  <a class="store" href="/apps/ios">app-store</a><a class="store" href="/apps/android">play-store</a>
  <p class="copyright">Daily Eight Demo is a sample site bundled with the crawler.</p>
</footer>
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"page": "story"}});</script>
</body>
</html>
"""


def article_page(story: Story, stories: dict[str, Story]) -> str:
    body_parts: list[str] = []
    for i, para in enumerate(story.paragraphs):
        body_parts.append(f"<p>{escape(para)}</p>")
        if i in (2, 5):
            body_parts.append(
                '<div class="ad-break">STORY CONTINUES BELOW THIS AD</div>'
                '<div class="ad-slot" data-slot="mid">Advertisement</div>'
            )
        if i == 3:
            body_parts.append(f"<h2>{escape(story.subheads[0])}</h2>")
    cards = []
    for n, slug in enumerate(story.related):
        # Every third teaser link carries tracking parameters, as real related widgets do.
        suffix = "?utm_source=related&utm_medium=web" if n % 3 == 2 else ""
        cards.append(_card(stories[slug], suffix))
    main = f"""
<article class="lead-story">
  <h1 class="story-title">{escape(story.headline)}</h1>
  <div class="story-meta"><span class="publisher">{escape(story.publisher)}</span><span class="time">{escape(story.age_text)}</span></div>
  <p class="story-summary">{escape(story.summary)} <a class="read-more" href="{story.path}#full">read more</a></p>
  <figure class="story-image">
    <img src="{story.image_path}" alt="{escape(story.headline)}">
    <figcaption>File picture from the archive. Illustration only.</figcaption>
  </figure>
  <div class="story-body">
    {"".join(body_parts)}
  </div>
</article>
<section class="ai-promo">
  <div class="promo-bg">Gradient backdrop</div>
  <h3>Try Our AI Features</h3>
  <p>See what our assistant can summarise for you:</p>
</section>
<section class="comments">
  <h3>Comments</h3>
  <p class="empty">No comments yet...</p>
</section>
<section class="related">
  <h2>Related Articles</h2>
  {"".join(cards)}
  <p class="see-all"><a href="/">See all top stories</a> · <a href="/page/2.html">More stories</a></p>
</section>
"""
    return _shell(story.headline, main, canonical=story.path)


def listing_page(number: int, total: int, listed: list[Story]) -> str:
    cards = "".join(_card(s) for s in listed)
    nav = []
    if number > 1:
        prev = "/" if number == 2 else f"/page/{number - 1}.html"
        nav.append(f'<a class="prev-page" href="{prev}">Previous page</a>')
    if number < total:
        nav.append(f'<a class="next-page" href="/page/{number + 1}.html">Next page</a>')
    main = f"""
<h1 class="listing-title">Top stories, page {number}</h1>
<section class="story-list">
  {cards}
</section>
<div class="pager">{"".join(nav)}</div>
"""
    return _shell(f"Top stories, page {number}", main)


def about_page() -> str:
    return _shell("About us", "<h1>About us</h1><p>A sample aggregator for testing the crawler.</p>")
