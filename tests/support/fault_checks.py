"""What "nothing lost, nothing stored twice" means for a crawl of the demo site, as assertions
shared by the outage and crash tests."""

from __future__ import annotations

from collections import Counter

from crawler.urls import fingerprint


def expected_sightings(demo_site, server) -> Counter:
    """(story id, page url, role) -> 1 for every sighting a complete crawl records."""
    want: Counter = Counter()
    for path, expected in demo_site.expected.items():
        page_url = server.url(path)
        if expected.lead:
            want[(fingerprint(server.url(demo_site.by_slug[expected.lead].path)), page_url, "lead")] += 1
        for slug in expected.related:
            want[(fingerprint(server.url(demo_site.by_slug[slug].path)), page_url, "related")] += 1
    return want


def check_stored_exactly_once(db, demo_site, server) -> dict[str, int]:
    """Every story stored once, as a full page, with every sighting once; every page fetched is
    recorded, none twice within a run, and no sighting stored without its page's document (a
    page is accepted whole, even by a crawl killed in the middle of it). Returns the table's
    numbers (lost, twice)."""
    docs = list(db.articles.find())
    ids = Counter(d["_id"] for d in docs)
    twice = sum(n - 1 for n in ids.values() if n > 1)
    want_ids = {fingerprint(server.url(s.path)) for s in demo_site.stories}
    lost = len(want_ids - set(ids))
    assert lost == 0, f"{lost} stories lost"
    assert twice == 0 and len(docs) == len(want_ids), f"{twice} stories stored twice"
    assert all(d["completeness"] == "full" for d in docs)

    # Sightings are per fetch: every stored fetch of a page has exactly its page's sightings
    # (seen_at = the fetch time), once; a page fetched in a killed run and again in the rerun
    # has two fetches, each with its own. Two fetches of a page at the same time (the Date
    # header counts seconds; two crawls at once) saw the same thing: one set of sightings.
    per_page = expected_sightings(demo_site, server)
    fetches = {(p["url"], p["fetched_at"]) for p in db.pages.find()}
    want: Counter = Counter()
    for url, fetched_at in fetches:
        for (story, page_url, role), n in per_page.items():
            if page_url == url:
                want[(story, page_url, role, fetched_at)] += n
    got: Counter = Counter((s["story_id"], s["page_url"], s["role"], s["seen_at"])
                           for s in db.sightings.find())
    missing = want - got
    doubled = {k: v for k, v in (got - want).items()}
    assert not missing, f"{len(missing)} sightings lost: {list(missing)[:3]}"
    assert not doubled, f"{len(doubled)} sightings stored twice or unexplained: {list(doubled)[:3]}"
    covered = {(story, page, role) for story, page, role, _ in got}
    assert covered == set(per_page), "some page's sightings were never stored"

    pages = Counter((p["run_id"], p["url"]) for p in db.pages.find())
    assert all(n == 1 for n in pages.values()), [k for k, n in pages.items() if n > 1][:3]
    page_urls = {url for _, url in pages}
    missing_pages = {server.url(p) for p in demo_site.expected} - page_urls
    assert not missing_pages, sorted(missing_pages)[:3]
    return {"lost": lost + len(missing), "twice": twice + len(doubled)}


def check_fetched_pages_stored(db, demo_site, server) -> dict[str, int]:
    """For a crawl that stopped early: every demo page the server answered has its snapshot
    and every sighting it shows stored once. Returns the table's numbers (lost, twice)."""
    fetched = {server.url(p) for p in server.fetched_paths() if p in demo_site.expected}
    want = Counter({k: v for k, v in expected_sightings(demo_site, server).items() if k[1] in fetched})
    got: Counter = Counter((s["story_id"], s["page_url"], s["role"])
                           for s in db.sightings.find() if s["page_url"] in fetched)
    snapshots = Counter(p["url"] for p in db.pages.find())
    twice = sum(n - 1 for n in snapshots.values() if n > 1)
    twice += sum(n - 1 for n in got.values() if n > 1)
    lost = sum((want - got).values()) + len(fetched - set(snapshots))
    assert lost == 0, f"{lost} lost: {list(want - got)[:3]} {sorted(fetched - set(snapshots))[:3]}"
    assert twice == 0, f"{twice} stored twice"
    return {"lost": lost, "twice": twice}
