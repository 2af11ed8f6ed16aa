"""Nothing let in: page-made keys never become MongoDB operators or paths, credentials never
leave the process, only http(s) links inside the allowed domains are followed, and the embedded
database listens on 127.0.0.1 only."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from urllib.parse import urlsplit

from bson import json_util
from pymongo import MongoClient

from crawler.items import Article, PageSnapshot, Teaser
from crawler.storage import sanitize
from crawler.storage.store import page_id
from crawler.urls import canonical_url, fingerprint
from tests.support.crawl import run_crawler
from tests.support.fault_server import FaultServer, page
from tests.support.hostile_pages import article

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOSTILE_JSON = {
    "$where": "function() { sleep(10000); return true; }",
    "$set": {"completeness": "teaser", "headline": "overwritten"},
    "a.b": {"c.d": {"$gt": ""}},
    "": "empty key",
    "x\x00y": "nul in key",
}


def _bad_keys(value, path="") -> list[str]:
    """Every key, at any depth, that MongoDB would read as an operator or a dotted path."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key.startswith("$") or "." in key or "\x00" in key:
                found.append(f"{path}/{key}")
            found += _bad_keys(item, f"{path}/{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _bad_keys(item, f"{path}[{i}]")
    return found


# -- sanitising ------------------------------------------------------------------------------
def test_safe_key_turns_operators_and_paths_into_plain_names():
    assert sanitize.safe_key("$where") == "\uff04where"
    assert sanitize.safe_key("a.b.c") == "a\uff0eb\uff0ec"
    assert sanitize.safe_key("") == "_"
    assert sanitize.safe_key("x\x00y") == "xy"
    assert sanitize.safe_key("price$") == "price$"  # only a leading $ is an operator


def test_clean_keeps_values_and_makes_every_key_safe():
    cleaned = sanitize.clean({"$set": {"a.b": [1, {"$gt": 2**70}]}, "\uff04set": "kept"})
    assert _bad_keys(cleaned) == []
    assert cleaned["\uff04set_"] == "kept" or cleaned["\uff04set"] == "kept"
    inner = next(v for k, v in cleaned.items() if isinstance(v, dict))
    assert inner["a\uff0eb"] == [1, {"\uff04gt": str(2**70)}]  # too big for BSON: kept as text


def test_clean_bounds_nesting():
    deep: dict = {}
    node = deep
    for _ in range(5000):
        node["$k"] = {}
        node = node["$k"]
    cleaned = sanitize.clean(deep)
    depth = 0
    node = cleaned
    while isinstance(node, dict):
        node = next(iter(node.values()))
        depth += 1
    assert depth == sanitize.MAX_DEPTH and "nested deeper" in node


def test_store_never_lets_a_page_value_act_as_an_operator(store):
    lead = Article(url="https://news.example/s/1", page_url="https://news.example/s/1",
                   seen_at=NOW, headline="$set", body="{\"$where\": \"1\"}",
                   authors=["$where", "a.b"], image=dict(HOSTILE_JSON),  # a careless extractor
                   source="Quay Courier")
    lead.canonical_url = canonical_url(lead.url)
    lead.fingerprint = fingerprint(lead.url)
    lead.content_hash = "h1"
    teaser = Teaser(url="https://news.example/s/1", page_url="https://news.example/",
                    seen_at=NOW, position=1, headline="$inc", summary="$unset")
    teaser.canonical_url, teaser.fingerprint, teaser.content_hash = (
        lead.canonical_url, lead.fingerprint, "h2")
    store.write_sightings([lead, teaser])
    store.write_sightings([lead])  # the content-update path too
    snap = PageSnapshot(url="https://news.example/", fetched_at=NOW, status=200,
                        problems=["$where", "a.b"], run_id="r1")
    store.insert_pages([snap])
    doc = store.article(lead.fingerprint)
    assert _bad_keys(doc) == []
    assert doc["headline"] == "$set" and doc["completeness"] == "full"
    assert doc["authors"] == ["$where", "a.b"]
    assert doc["image"]["\uff04where"].startswith("function()")
    assert doc["image"]["\uff04set"] == {"completeness": "teaser", "headline": "overwritten"}
    assert doc["image"]["a\uff0eb"] == {"c\uff0ed": {"\uff04gt": ""}}
    assert store.pages.find_one({"_id": page_id(snap)})["problems"] == ["$where", "a.b"]


def test_a_crawled_page_full_of_operator_keys_is_stored_safely(crawl_env, mongo_uri, db_name):
    ld = {"@context": "https://schema.org", "@type": "NewsArticle",
          "headline": "Tram depot reopens after a long refit", **HOSTILE_JSON,
          "author": {"@type": "Person", "name": "Mara Quill", "$set": {"x": 1}, "a.b": 1},
          "publisher": {"name": "Quay Courier", "$where": "1"}}
    app = {"props": {"pageProps": {"$set": {"story": 1}, "a.b": 2, "article": {
        "title": "Tram depot reopens after a long refit", "$where": "x",
        "body": "The depot closed for two years. " * 20}}}}
    head = (f'<script type="application/ld+json">{json.dumps(ld)}</script>'
            f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(app)}</script>')
    html = article("Tram depot reopens after a long refit", head=head).encode()
    with FaultServer({"/tram.html": page(html)}) as server:
        proc = run_crawler(["crawl", "daily8", "-a", f"start_url={server.url('/tram.html')}",
                            "-a", "max_depth=0"], crawl_env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    db = MongoClient(mongo_uri, tz_aware=True)[db_name]
    docs = list(db.articles.find())
    assert len(docs) == 1
    assert docs[0]["headline"] == "Tram depot reopens after a long refit"
    assert docs[0]["completeness"] == "full"
    for name in ("articles", "pages", "runs"):
        for doc in db[name].find():
            assert _bad_keys(doc) == [], (name, doc)


# -- credentials -----------------------------------------------------------------------------
def test_a_password_in_mongo_uri_never_reaches_logs_or_run_records(
    demo_server, crawl_env, mongo_uri, db_name
):
    """FerretDB on SQLite accepts PLAIN credentials, so the whole crawl runs with a password in
    MONGO_URI; its debug log, its output and every stored document must not contain it."""
    secret = "s3cret-Pa55word"
    parts = urlsplit(mongo_uri)
    uri = f"mongodb://crawler:{secret}@{parts.hostname}:{parts.port}/?authMechanism=PLAIN"
    env = dict(crawl_env, MONGO_URI=uri)
    proc = run_crawler(["crawl", "daily8", "-a", f"start_url={demo_server.url('/')}",
                        "-a", "max_depth=0", "-s", "LOG_LEVEL=DEBUG"], env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert secret not in proc.stdout + proc.stderr
    status = run_crawler(["db", "status"], env)
    assert "crawler:***@" in status.stdout and secret not in status.stdout + status.stderr
    db = MongoClient(mongo_uri, tz_aware=True)[db_name]
    for name in ("runs", "pages", "articles"):
        dump = json_util.dumps(list(db[name].find()))
        assert secret not in dump, name
    assert db.runs.count_documents({}) == 1


def test_a_failing_command_masks_the_password(crawl_env):
    """(A crawl that cannot reach the database is tested in test_e2e_daily8; the password of a
    database that goes away mid-crawl in test_faults_outage.)"""
    env = dict(crawl_env, MONGO_URI="mongodb://crawler:hunter2-secret@127.0.0.1:9/")
    status = run_crawler(["db", "status"], env)
    assert status.returncode == 1
    assert "crawler:***@127.0.0.1:9" in status.stdout + status.stderr
    assert "hunter2-secret" not in status.stdout + status.stderr


# -- links -----------------------------------------------------------------------------------
def test_only_http_links_inside_the_allowed_domains_are_followed(crawl_env, mongo_uri, db_name):
    with FaultServer({}) as server:
        port = urlsplit(server.base_url).port
        related = (
            ("javascript:alert(1)", "Script link"),
            ("mailto:desk@news.example", "Mail link"),
            (f"ftp://127.0.0.1:{port}/ftp.html", "FTP link"),
            ("file:///etc/passwd", "File link"),
            ("data:text/html,<h1>x</h1>", "Data link"),
            (f"http://localhost:{port}/offsite.html", "Other host, same server"),
            ("/inside.html", "Inside link"),
        )
        server.routes["/hub.html"] = page(article("Hub page with odd links", related=related).encode())
        server.routes["/inside.html"] = page(article("Inside story is followed").encode())
        server.routes["/offsite.html"] = page(article("Must never be fetched").encode())
        proc = run_crawler(["crawl", "daily8", "-a", f"start_url={server.url('/hub.html')}",
                            "-a", "max_depth=1", "-a", "allowed_domains=127.0.0.1"], crawl_env)
        assert proc.returncode == 0, proc.stderr[-2000:]
        fetched = {p for p in server.requests if p != "/robots.txt"}
    assert fetched == {"/hub.html", "/inside.html"}
    db = MongoClient(mongo_uri, tz_aware=True)[db_name]
    assert db.articles.count_documents({"completeness": "full"}) == 2


# -- the embedded database -------------------------------------------------------------------
def _listening(port: int) -> list[str]:
    """Local addresses with a LISTEN socket on `port`, from /proc/net/tcp and tcp6."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            address, state = cols[1], cols[3]
            host, hexport = address.rsplit(":", 1)
            if state == "0A" and int(hexport, 16) == port:
                found.append(host)
    return found


def test_the_embedded_database_listens_on_loopback_only(tmp_path):
    from crawler.storage import embedded_db

    state = embedded_db.up(tmp_path)
    try:
        hosts = _listening(state.port)
        assert hosts == ["0100007F"], hosts  # 127.0.0.1, nothing on 0.0.0.0 or ::
        # and it is not reachable on another address of this machine
        other = [a for a in _host_addresses() if not a.startswith("127.")]
        for address in other:
            with socket.socket() as s:
                s.settimeout(1)
                assert s.connect_ex((address, state.port)) != 0, address
    finally:
        embedded_db.down(tmp_path)


def _host_addresses() -> list[str]:
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None,
                                                                 socket.AF_INET)})
    except OSError:
        return []
