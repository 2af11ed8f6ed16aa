"""The daily8 spider end to end: fixture site on 127.0.0.1 -> real crawl process -> FerretDB."""

from __future__ import annotations

from pymongo import MongoClient

from crawler.urls import canonical_url, fingerprint
from tests.support.crawl import run_crawler
from tests.support.store_items import sightings_of

NOISE = ("STORY CONTINUES BELOW THIS AD", "Try Our AI Features", "Comments", "No comments yet",
         "Advertisement", "Related Articles", "GET THE APP", "app-store")


def _db(mongo_uri, db_name):
    return MongoClient(mongo_uri, tz_aware=True)[db_name]


def _crawl(server, env, *extra, start="/"):
    proc = run_crawler(["crawl", "daily8", "-a", f"start_url={server.url(start)}",
                        "-s", "LOG_LEVEL=INFO", *extra], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_crawl_stores_every_story_once_with_roles_and_positions(
    demo_site, demo_server, crawl_env, mongo_uri, db_name
):
    _crawl(demo_server, crawl_env)
    db = _db(mongo_uri, db_name)
    assert db.articles.count_documents({}) == len(demo_site.stories)
    # Each page fetched once; links to pages already asked for stopped at the spider.
    assert sorted(demo_server.fetched_paths()) == sorted({*demo_server.fetched_paths()})
    stats = db.runs.find_one()["stats"]
    assert stats["links/already_requested"] > 0
    # Every story was crawled as a full page (teaser links are followed).
    assert db.articles.count_documents({"completeness": "full"}) == len(demo_site.stories)

    pages = {p["url"]: p for p in db.pages.find()}
    for path, expected in demo_site.expected.items():
        page = pages[demo_server.url(path)]
        lead_fp = fingerprint(demo_server.url(demo_site.by_slug[expected.lead].path)) if expected.lead else None
        assert page["lead"] == lead_fp, path
        want = [fingerprint(demo_server.url(demo_site.by_slug[s].path)) for s in expected.related]
        assert page["related"] == want, path

    for story in demo_site.stories:
        url = demo_server.url(story.path)
        doc = db.articles.find_one({"_id": fingerprint(url)})
        assert doc["canonical_url"] == canonical_url(url)
        assert doc["headline"] == story.headline
        assert doc["source"] == story.publisher
        assert doc["published_raw"] == story.age_text
        assert doc["published_at"] is not None
        seen_on = sightings_of(db, doc["_id"])
        lead_sightings = [s for s in seen_on if s["role"] == "lead"]
        assert [s["page_url"] for s in lead_sightings] == [url]
        assert lead_sightings[0]["position"] == 0
        for sighting in seen_on:
            if sighting["role"] != "related":
                continue
            path = sighting["page_url"].removeprefix(demo_server.base_url)
            related = demo_site.expected[path].related
            assert related[sighting["position"] - 1] == story.slug
        body = doc["body"]
        assert story.paragraphs[0] in body and story.paragraphs[-1] in body
        for noise in NOISE:
            assert noise not in body, (story.slug, noise)


def test_recrawl_adds_nothing_and_only_advances_last_seen(
    demo_site, demo_server, crawl_env, mongo_uri, db_name
):
    # STORE_SEEN_RESOLUTION=0: the second crawl follows within seconds, and last_seen_at is to
    # move however little time passed.
    _crawl(demo_server, crawl_env, "-s", "STORE_SEEN_RESOLUTION=0")
    db = _db(mongo_uri, db_name)
    before = {d["_id"]: d for d in db.articles.find()}
    sightings = db.sightings.count_documents({})
    _crawl(demo_server, crawl_env, "-s", "STORE_SEEN_RESOLUTION=0")
    after = {d["_id"]: d for d in db.articles.find()}
    assert after.keys() == before.keys()
    for key, old in before.items():
        new = after[key]
        assert new["last_seen_at"] > old["last_seen_at"]
        strip = lambda d: {k: v for k, v in d.items() if k != "last_seen_at"}  # noqa: E731
        assert strip(new) == strip(old)
    assert db.sightings.count_documents({}) == 2 * sightings  # each fetch's own
    runs = list(db.runs.find())
    assert len(runs) == 2 and all(r["status"] == "ok" for r in runs)
    assert runs[1]["counts"]["new"] == 0


def test_teaser_later_crawled_is_one_full_document(demo_site, demo_server, crawl_env, mongo_uri, db_name):
    story = demo_site.stories[0]
    target = demo_site.by_slug[story.related[0]]
    _crawl(demo_server, crawl_env, "-a", "max_depth=0", start=story.path)
    db = _db(mongo_uri, db_name)
    doc = db.articles.find_one({"_id": fingerprint(demo_server.url(target.path))})
    assert doc["completeness"] == "teaser"
    assert doc["headline"] == target.headline
    assert doc["body"] if "body" in doc else True
    assert "body" not in doc
    _crawl(demo_server, crawl_env, "-a", "max_depth=0", start=target.path)
    docs = list(db.articles.find({"_id": fingerprint(demo_server.url(target.path))}))
    assert len(docs) == 1
    doc = docs[0]
    assert doc["completeness"] == "full"
    assert target.paragraphs[0] in doc["body"]
    roles = sorted((s["role"], s["page_url"]) for s in sightings_of(db, doc["_id"]))
    assert roles == [("lead", demo_server.url(target.path)), ("related", demo_server.url(story.path))]
    assert doc["first_seen_at"] < doc["updated_at"]


def test_unreachable_database_fails_before_any_request(demo_server, crawl_env):
    env = dict(crawl_env, MONGO_URI="mongodb://crawler:s3cret@127.0.0.1:9/")
    proc = run_crawler(["crawl", "daily8", "-a", f"start_url={demo_server.url('/')}"], env)
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert "database unreachable" in lines[0] and "127.0.0.1:9" in lines[0]
    assert "s3cret" not in proc.stderr + proc.stdout
    assert demo_server.fetched_paths() == []


def test_page_without_lead_is_recorded_and_crawl_goes_on(demo_server, crawl_env, mongo_uri, db_name):
    proc = run_crawler(["crawl", "daily8", "-a", f"start_url={demo_server.url('/about.html')},"
                        f"{demo_server.url('/page/2.html')}", "-a", "max_depth=0"], crawl_env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    db = _db(mongo_uri, db_name)
    about = db.pages.find_one({"url": demo_server.url("/about.html")})
    assert about["lead"] is None and "no_lead" in about["problems"]
    listing = db.pages.find_one({"url": demo_server.url("/page/2.html")})
    assert listing["problems"] == [] and len(listing["related"]) > 0
    run = db.runs.find_one()
    assert run["counts"]["no_lead"] == 1
    assert "'pages/no_lead': 1" in proc.stderr


def test_a_feed_export_writes_one_object_per_page(demo_site, demo_server, crawl_env, tmp_path):
    """`-o out.jsonl` (Scrapy's feed exports) beside the database: one line per page fetched,
    its lead, its teasers in page order and its snapshot, as the page showed them."""
    import json

    out = tmp_path / "pages.jsonl"
    _crawl(demo_server, crawl_env, "-o", str(out))
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    by_url = {line["snapshot"]["url"]: line for line in lines}
    assert len(by_url) == len(lines)
    for path, expected in demo_site.expected.items():
        line = by_url[demo_server.url(path)]
        if expected.lead:
            lead = demo_site.by_slug[expected.lead]
            assert line["lead"]["headline"] == lead.headline
            assert line["lead"]["published_raw"] == lead.age_text
        else:
            assert line["lead"] is None
        assert [t["url"] for t in line["related"]] == [
            demo_server.url(demo_site.by_slug[s].path) for s in expected.related]
        assert line["snapshot"]["related"] == [t["fingerprint"] for t in line["related"]]
