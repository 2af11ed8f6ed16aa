"""`crawler web` end to end: a real crawl of the demo site into FerretDB, a few hostile and
scheduled records inserted beside it, the real server process, and headless Chromium reading
every page as a person would. Screenshots go to the test's temporary directory."""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from bson import json_util
from prometheus_client.parser import text_string_to_metric_families
from pymongo import MongoClient

from crawler.demo_site import DemoSite, FixtureServer
from crawler.schedule import locks
from crawler.web.process import WebServer, http
from tests.support.crawl import run_crawler

CHROMIUM = "/usr/bin/chromium"
HOSTILE = ('<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> '
           'Hostile & "quoted" headline')
HOSTILE_SOURCE = '<b onmouseover="window.__pwned = 3">Evil Press</b>'
HOSTILE_ID = "f" * 40
CLUSTER = "c" * 40
SECRET_URI = "mongodb://admin:hunter2pw@db.example:27017/"
SECRET_TOKEN = "topsecret-token-value"
NIGHTLY = "run-nightly-1"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium not installed")


def _doc_fingerprint(db) -> str:
    """Every document and index of every collection, hashed: unchanged means nothing written."""
    h = hashlib.sha256()
    for name in sorted(db.list_collection_names()):
        h.update(name.encode())
        h.update(json.dumps(sorted(db[name].index_information()), default=str).encode())
        for doc in db[name].find().sort("_id", 1):
            h.update(json_util.dumps(doc, sort_keys=True).encode())
    return h.hexdigest()


def _hostile_docs(now: datetime) -> list[dict]:
    base = {"aggregator": "hostile-feed", "completeness": "teaser", "cluster_id": CLUSTER,
            "last_seen_at": now, "updated_at": now, "schema_version": 1}
    return [
        {**base, "_id": HOSTILE_ID, "headline": HOSTILE, "source": HOSTILE_SOURCE,
         "url": "javascript:window.__pwned = 4", "canonical_url": "javascript:hostile",
         "summary": '<iframe src="javascript:window.__pwned = 5"></iframe>',
         "published_at": now - timedelta(hours=1), "published_raw": "<i>an hour ago</i>",
         "first_seen_at": now - timedelta(minutes=30),
         "seen_on": [
             {"page_url": "javascript:window.__pwned = 6", "role": "related", "position": 2,
              "seen_at": now - timedelta(minutes=30)},
             {"page_url": "https://agg.example/page", "role": "lead", "position": 0,
              "seen_at": now - timedelta(minutes=20)}]},
        {**base, "_id": "a" * 40, "headline": "Syndicated copy from wire A", "source": "Copy Wire A",
         "url": "https://wire-a.example/story", "canonical_url": "https://wire-a.example/story",
         "published_at": now - timedelta(hours=2), "first_seen_at": now - timedelta(minutes=50),
         "seen_on": []},
        {**base, "_id": "b" * 40, "headline": "Syndicated copy from wire B", "source": "Copy Wire B",
         "url": "https://wire-b.example/story", "canonical_url": "https://wire-b.example/story",
         "published_at": now - timedelta(hours=3), "first_seen_at": now - timedelta(minutes=55),
         "seen_on": []},
    ]


@pytest.fixture(scope="module")
def site(mongo_uri, tmp_path_factory):
    """The database after a real demo crawl plus the hostile, syndicated and scheduled records."""
    tmp = tmp_path_factory.mktemp("web")
    db_name = f"test_web_{os.getpid()}"
    data_dir = tmp / "data"
    env = dict(os.environ, MONGO_URI=mongo_uri, MONGO_DB=db_name, CRAWLER_DATA_DIR=str(data_dir),
               CRAWLER_SCHEDULES=str(tmp / "schedules.yaml"))
    env.pop("CRAWLER_WEB_TOKEN", None)
    demo = DemoSite()
    with FixtureServer(demo.render) as server:
        proc = run_crawler(["crawl", "daily8", "-a", f"start_url={server.url('/')}",
                            "-s", f"BACKUP_URI={SECRET_URI}", "-s", f"MY_API_TOKEN={SECRET_TOKEN}"],
                           env)
        assert proc.returncode == 0, proc.stderr[-3000:]
    client = MongoClient(mongo_uri, tz_aware=True)
    db = client[db_name]
    now = datetime.now(UTC)
    db.articles.insert_many(_hostile_docs(now))
    started = now - timedelta(hours=2)
    db.runs.insert_one({
        "_id": NIGHTLY, "spider": "daily8", "job": "nightly", "trigger": "schedule",
        "args": {"start_url": "https://daily8.example/"}, "status": "failed",
        "settings": {"REDIS_URL": "redis://:s3cretpass@10.0.0.5:6379/0", "MY_API_TOKEN": "tok-x"},
        "started_at": started, "finished_at": started + timedelta(seconds=60), "duration_s": 60.0,
        "finish_reason": "closespider_timeout", "counts": {"pages": 10, "new": 3, "updated": 1},
        "errors": {"TimeoutError": 3, "http_503": 2},
        "error": "crawl process exited with status 1: mongodb://bob:pw-in-error@db.example/ refused",
    })
    logs = data_dir / "logs"
    logs.mkdir(parents=True)
    (logs / "nightly.log").write_text(
        "=== run older job nightly started 2026-01-01T00:00:00+00:00\nline of an older run\n"
        f"=== run {NIGHTLY} job nightly started {started.isoformat()}\n"
        "INFO: Spider opened\nERROR: TimeoutError fetching https://daily8.example/x\n"
        "DEBUG: connecting to mongodb://bob:pw-in-log@db.example/\n"
        "=== run later job nightly started 2026-12-01T00:00:00+00:00\nline of a later run\n")
    (tmp / "schedules.yaml").write_text(
        'jobs:\n  nightly:\n    cron: "0 3 * * *"\n    spider: daily8\n'
        '    args: {start_url: "https://daily8.example/"}\n    timezone: Europe/Paris\n')
    sched = data_dir / "schedule"
    sched.mkdir(parents=True)
    (sched / "state.json").write_text(json.dumps({"jobs": {"nightly": {
        "last_run_id": NIGHTLY, "last_start": started.isoformat(),
        "last_end": (started + timedelta(seconds=60)).isoformat(), "last_status": "failed",
        "last_exit": 1}}}))
    lock = locks.JobLock(data_dir / "schedule" / "locks" / "nightly.lock")
    assert lock.acquire({"pid": 424242, "run_id": "r", "started_at": now.isoformat()})
    yield SimpleNamespace(db=db, env=env, tmp=tmp, demo=demo, data_dir=data_dir)
    lock.release()
    client.drop_database(db_name)
    client.close()


@pytest.fixture(scope="module")
def web(site):
    with WebServer(site.env) as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM)
        yield b
        b.close()


@pytest.fixture
def page(browser, tmp_path):
    ctx = browser.new_context(viewport={"width": 1300, "height": 900})
    pg = ctx.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.shots = tmp_path
    yield pg
    ctx.close()


def _open(page, url: str, name: str):
    resp = page.goto(url)
    assert resp is not None and resp.status == 200, (url, resp and resp.status)
    page.screenshot(path=str(page.shots / f"{name}.png"), full_page=True)
    assert (page.shots / f"{name}.png").stat().st_size > 5000
    return resp


def _num(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def test_runs_page_lists_the_demo_crawl_with_charts(site, web, page):
    demo_run = site.db.runs.find_one({"job": None})
    _open(page, web.url("/"), "runs")
    rows = page.locator("#runs tbody tr.run")
    assert rows.count() == site.db.runs.count_documents({}) == 2
    demo_row = page.locator("#runs tr.status-ok")
    assert demo_row.locator("td.pages").inner_text() == str(demo_run["counts"]["pages"])
    assert demo_row.locator("td.new").inner_text() == str(demo_run["counts"]["new"])
    failed = page.locator("#runs tr.status-failed")
    assert "TimeoutError 3" in failed.locator("td.failures").inner_text()
    assert "http_503 2" in failed.locator("td.failures").inner_text()
    # One point per run in each chart, with the run's values.
    points = page.locator("#chart-rate circle.pt")
    assert points.count() == 2
    ys = sorted(float(points.nth(i).get_attribute("data-y")) for i in range(2))
    assert ys[0] == pytest.approx(10.0)  # the nightly run: 10 pages in 60 s
    bars = page.locator("#chart-stored rect.pt")
    assert sorted(float(bars.nth(i).get_attribute("data-y")) for i in range(2)) == sorted(
        [4.0, float(demo_run["counts"]["new"] + demo_run["counts"]["updated"])])
    # Filters narrow the table.
    _open(page, web.url("/?status=failed"), "runs-failed")
    assert page.locator("#runs tbody tr.run").count() == 1


def test_run_page_masks_secrets_and_shows_failures_and_log_tail(site, web, page):
    demo_run = site.db.runs.find_one({"job": None})
    page.goto(web.url("/"))
    page.locator("#runs tr.status-ok a").click()
    page.wait_for_url(f"**/runs/{demo_run['_id']}")
    page.screenshot(path=str(page.shots / "run.png"), full_page=True)
    settings = page.locator("#settings").inner_text()
    assert "BACKUP_URI" in settings and "admin:***@db.example" in settings
    assert "MY_API_TOKEN" in settings
    html = page.content()
    assert "hunter2pw" not in html and SECRET_TOKEN not in html
    assert page.locator("#args").inner_text().count("start_url") == 1

    _open(page, web.url(f"/runs/{NIGHTLY}"), "run-nightly")
    html = page.content()
    for secret in ("s3cretpass", "tok-x", "pw-in-error", "pw-in-log"):
        assert secret not in html, secret
    failures = page.locator("#failures").inner_text()
    assert "TimeoutError: 3" in failures and "http_503: 2" in failures
    assert "bob:***@db.example" in page.locator("#run-error").inner_text()
    log = page.locator("#log").inner_text()
    assert "TimeoutError fetching https://daily8.example/x" in log
    assert "older run" not in log and "later run" not in log


def test_sources_page_per_profile_and_publisher(site, web, page):
    _open(page, web.url("/sources"), "sources")
    daily8 = page.locator("#profiles tr.profile", has_text="daily8")
    cells = daily8.locator("td")
    n_daily8 = site.db.articles.count_documents({"aggregator": "daily8"})
    assert n_daily8 == len(site.demo.stories)
    assert _num(cells.nth(4).inner_text()) == n_daily8
    assert _num(cells.nth(5).inner_text()) == n_daily8  # all first seen in the last 24 h
    assert cells.nth(6).inner_text() == "100%"  # every teaser's page was crawled
    assert cells.nth(1).inner_text() != "never"
    assert daily8.locator("svg rect.pt").count() == 14
    assert float(daily8.locator("svg rect.pt").last.get_attribute("data-y")) == n_daily8
    publishers = site.db.articles.distinct("source")
    assert page.locator("#publishers tr.publisher").count() == len(publishers)
    hostile = page.locator("#publishers tr.publisher", has_text="Evil Press")
    assert hostile.locator("td.name").inner_text() == HOSTILE_SOURCE
    assert hostile.locator("td").nth(3).inner_text() == "0%"  # a teaser only


def test_stories_search_by_words_publisher_and_time(site, web, page):
    _open(page, web.url("/stories"), "stories")
    total = site.db.articles.count_documents({})
    assert _num(page.locator("#total strong").inner_text()) == total
    assert page.locator("#stories tr.story").count() == min(50, total)

    page.fill("input[name=q]", "kellmoor")
    page.click("#search button")
    page.wait_for_url("**/stories?q=kellmoor*")
    want = site.db.articles.count_documents({"headline": {"$regex": "kellmoor", "$options": "i"}})
    assert want > 0
    assert _num(page.locator("#total strong").inner_text()) == want
    assert page.locator("#stories tr.story").count() == want

    publisher = site.demo.stories[0].publisher
    page.fill("input[name=q]", "")
    page.select_option("select[name=source]", publisher)
    page.click("#search button")
    page.wait_for_load_state()
    want = site.db.articles.count_documents({"source": publisher})
    assert _num(page.locator("#total strong").inner_text()) == want
    for cell in page.locator("#stories tr.story td:nth-child(2)").all_inner_texts():
        assert cell == publisher

    since = datetime.now(UTC) - timedelta(minutes=75)
    docs = list(site.db.articles.find({}, {"published_at": 1, "first_seen_at": 1}))
    want = sum(1 for d in docs if (d.get("published_at") or d.get("first_seen_at")) >= since)
    _open(page, web.url(f"/stories?from={since.strftime('%Y-%m-%dT%H:%M:%S')}"), "stories-range")
    assert _num(page.locator("#total strong").inner_text()) == want
    resp = page.goto(web.url("/stories?from=last+tuesday"))
    assert resp.status == 400
    assert "'from' must be a date" in page.locator("#problem").inner_text()


def test_hostile_headline_renders_as_text(site, web, page):
    _open(page, web.url("/stories?q=hostile"), "stories-hostile")
    link = page.locator("#stories td.headline a")
    assert link.count() == 1
    assert link.inner_text() == HOSTILE
    link.click()
    page.wait_for_url(f"**/stories/{HOSTILE_ID}")
    page.screenshot(path=str(page.shots / "story-hostile.png"), full_page=True)
    assert page.locator("#headline").inner_text() == HOSTILE
    assert page.locator("#source").inner_text() == HOSTILE_SOURCE
    assert page.title().startswith(HOSTILE)
    # Nothing from the data ran, and no stored javascript: address became a link.
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []
    assert page.locator("script").count() == 0
    assert page.locator("img, iframe").count() == 0
    hrefs = page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
    assert not [h for h in hrefs if h and h.lower().startswith("javascript")]
    assert "javascript:window.__pwned = 6" in page.locator("#sightings").inner_text()


def test_story_page_sightings_and_syndication_cluster(site, web, page):
    def sightings(d):
        return site.db.sightings.count_documents({"story_id": d["_id"]})

    doc = max(site.db.articles.find({"aggregator": "daily8"}), key=sightings)
    _open(page, web.url(f"/stories/{doc['_id']}"), "story")
    assert page.locator("#headline").inner_text() == doc["headline"]
    n = sightings(doc)
    assert n > 1
    assert page.locator("#sightings tr.sighting").count() == n
    assert page.locator("#chart-sightings circle.pt").count() == n
    assert page.locator("#chart-sightings circle.pt.lead").count() == 1
    roles = page.locator("#sightings tr.sighting td:nth-child(2)").all_inner_texts()
    assert sorted(roles) == sorted(s["role"] for s in site.db.sightings.find({"story_id": doc["_id"]}))

    _open(page, web.url(f"/stories/{HOSTILE_ID}"), "story-cluster")
    copies = page.locator("#cluster tr.copy")
    assert copies.count() == 2
    assert copies.locator("td:first-child").all_inner_texts() == ["Copy Wire A", "Copy Wire B"]
    copies.locator("a").first.click()
    page.wait_for_url(f"**/stories/{'a' * 40}")
    assert page.locator("#cluster tr.copy").count() == 2  # the hostile story and wire B

    assert page.goto(web.url("/stories/" + "0" * 40)).status == 404


def test_schedules_page_shows_next_firing_lock_and_last_outcome(site, web, page):
    _open(page, web.url("/schedules"), "schedules")
    row = page.locator("#jobs tr.job", has_text="nightly")
    cells = row.locator("td")
    assert cells.nth(1).inner_text() == "daily8"
    assert cells.nth(3).inner_text() == "Europe/Paris"
    from zoneinfo import ZoneInfo

    from croniter import croniter
    nxt = croniter("0 3 * * *", datetime.now(ZoneInfo("Europe/Paris"))).get_next(datetime)
    assert cells.nth(4).inner_text() == nxt.astimezone(UTC).strftime("%Y-%m-%d %H:%M") + " UTC"
    assert "held by pid 424242" in cells.nth(5).inner_text()
    assert cells.nth(6).inner_text().startswith("failed started")
    cells.nth(6).locator("a").click()
    page.wait_for_url(f"**/runs/{NIGHTLY}")
    assert page.locator("#failures").inner_text().startswith("TimeoutError")


def test_schedules_page_says_when_the_file_is_missing_or_broken(site, web, page, tmp_path):
    assert "not running" in _schedule_daemon_text(page, web)
    env = dict(site.env, CRAWLER_SCHEDULES=str(tmp_path / "none.yaml"))
    with WebServer(env) as other:
        page.goto(other.url("/schedules"))
        assert "no schedules file at" in page.locator("p.problem").inner_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text('jobs:\n  broken:\n    cron: "61 * * *"\n    spider: daily8\n')
    env = dict(site.env, CRAWLER_SCHEDULES=str(bad))
    with WebServer(env) as other:
        page.goto(other.url("/schedules"))
        assert "broken" in page.locator("p.problem").first.inner_text()
        assert page.locator("#jobs").count() == 0


def _schedule_daemon_text(page, web) -> str:
    page.goto(web.url("/schedules"))
    return page.locator("#daemon").inner_text()


def test_metrics_parse_and_match_the_database(site, web):
    status, headers, body = http(web.url("/metrics"))
    assert status == 200 and headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(body):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    assert samples[("crawler_runs", (("status", "ok"),))] == 1
    assert samples[("crawler_runs", (("status", "failed"),))] == 1
    pages = sum(r["counts"]["pages"] for r in site.db.runs.find())
    assert samples[("crawler_pages_total", (("spider", "daily8"),))] == pages
    items = sum(r["counts"].get("items", 0) for r in site.db.runs.find())
    assert samples[("crawler_items_total", (("spider", "daily8"),))] == items
    assert samples[("crawler_failures_total", (("kind", "TimeoutError"), ("spider", "daily8")))] == 3
    assert samples[("crawler_store_up", ())] == 1
    assert samples[("crawler_store_ping_seconds", ())] > 0
    full = site.db.articles.count_documents({"completeness": "full"})
    assert samples[("crawler_stories", (("completeness", "full"),))] == full
    assert samples[("crawler_stories", (("completeness", "teaser"),))] == 3
    ok_run = site.db.runs.find_one({"status": "ok"})
    assert samples[("crawler_last_success_timestamp_seconds", (("spider", "daily8"),))] == \
        pytest.approx(ok_run["finished_at"].timestamp(), abs=0.01)


def test_read_only_no_route_writes_and_nothing_changes(site, web):
    before = _doc_fingerprint(site.db)
    demo_run = site.db.runs.find_one({"job": None})
    paths = ["/", f"/runs/{demo_run['_id']}", "/sources", "/stories", "/stories?q=x",
             f"/stories/{HOSTILE_ID}", "/schedules", "/metrics", "/healthz", "/static/style.css"]
    for path in paths:
        status, headers, _ = http(web.url(path))
        assert status == 200, path
        csp = headers.get("content-security-policy", "")
        assert "default-src 'none'" in csp and "script-src" not in csp
        assert headers.get("x-content-type-options") == "nosniff"
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            status, _, _ = http(web.url(path), method=method, data=b"{}")
            assert status == 405, (method, path, status)
    assert _doc_fingerprint(site.db) == before


def test_token_is_required_and_checked(site):
    token = "t0ken-" + "x" * 26
    env = dict(site.env, CRAWLER_WEB_TOKEN=token)
    with WebServer(env) as server:
        assert "?token=$CRAWLER_WEB_TOKEN" in "".join(server.output)
        for path in ("/", "/stories", "/metrics", "/static/style.css"):
            status, headers, body = http(server.url(path))
            assert status == 401 and "needs its token" in body, path
            assert headers.get("www-authenticate", "").startswith("Bearer")
        wrong = token[:-1] + "y"
        assert http(server.url("/"), headers={"Authorization": f"Bearer {wrong}"})[0] == 401
        assert http(server.url("/?token=" + wrong))[0] == 401
        assert http(server.url("/"), headers={"Cookie": f"crawler_web_token={wrong}"})[0] == 401
        assert http(server.url("/metrics"), headers={"Authorization": f"Bearer {token}"})[0] == 200
        status, headers, _ = http(server.url(f"/stories?q=kellmoor&token={token}"))
        assert status == 303
        assert headers["location"] == "/stories?q=kellmoor"
        cookie = headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        assert http(server.url("/"), headers={"Cookie": f"crawler_web_token={token}"})[0] == 200


def test_token_flow_in_the_browser(site, browser, tmp_path):
    token = "browser-" + "z" * 24
    env = dict(site.env, CRAWLER_WEB_TOKEN=token)
    with WebServer(env) as server:
        ctx = browser.new_context()
        pg = ctx.new_page()
        assert pg.goto(server.url("/sources")).status == 401
        resp = pg.goto(server.url(f"/sources?token={token}"))
        assert resp.status == 200
        assert urlsplit(pg.url).query == ""  # the token left the address bar
        assert pg.locator("#profiles tr.profile", has_text="daily8").count() == 1
        pg.click("text=Stories")
        assert pg.locator("#stories tr.story").count() > 0
        pg.screenshot(path=str(tmp_path / "token-stories.png"))
        ctx.close()


def test_binding_elsewhere_needs_a_token_or_an_explicit_flag(site):
    proc = run_crawler(["web", "--host", "0.0.0.0", "--port", "0"], site.env, timeout=60)
    assert proc.returncode == 2
    assert "CRAWLER_WEB_TOKEN" in proc.stderr and "--insecure-no-auth" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    env = dict(site.env, CRAWLER_WEB_TOKEN="short")
    proc = run_crawler(["web", "--port", "0"], env, timeout=60)
    assert proc.returncode == 2 and "too short" in proc.stderr


def test_database_unavailable_is_one_line(site, tmp_path):
    env = dict(site.env, MONGO_URI="mongodb://user:pw-secret@127.0.0.1:9/")
    proc = run_crawler(["web", "--port", "0"], env, timeout=60)
    assert proc.returncode == 1
    assert "database unavailable" in proc.stderr and "pw-secret" not in proc.stderr
    assert Path(tmp_path).exists()
