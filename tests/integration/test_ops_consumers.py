"""What consumers read: documents stored by a real crawl (daily8 on the demo site into the test
database) validate against docs/schema.json; `crawler export` streams them by updated_at;
`crawler runs` shows the run; the crawl logs progress lines."""

from __future__ import annotations

import csv
import io
import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
from pymongo import MongoClient

from crawler.cli.export import CSV_COLUMNS, INTERNAL_FIELDS, iso, jsonable
from crawler.demo_site import DemoSite, FixtureServer
from crawler.urls import fingerprint
from tests.support.crawl import ROOT, run_crawler

SCHEMA = json.loads((ROOT / "docs" / "schema.json").read_text(encoding="utf-8"))


def validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{kind}"})


@pytest.fixture(scope="module")
def crawled(mongo_uri, tmp_path_factory):
    """One real crawl shared by this module's tests (read-only afterwards)."""
    db_name = f"test_ops_{uuid.uuid4().hex[:10]}"
    env = dict(os.environ, MONGO_URI=mongo_uri, MONGO_DB=db_name,
               CRAWLER_DATA_DIR=str(tmp_path_factory.mktemp("ops_data")))
    with FixtureServer(DemoSite().render) as server:
        proc = run_crawler(["crawl", "daily8", "-a", f"start_url={server.url('/')}",
                            "-s", "CRAWLER_PROGRESS_INTERVAL=0.2"], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    client = MongoClient(mongo_uri, tz_aware=True)
    yield {"env": env, "db": client[db_name], "stderr": proc.stderr}
    client.drop_database(db_name)
    client.close()


def test_stored_documents_match_the_json_schema(crawled):
    db = crawled["db"]
    for kind, collection in (("article", db.articles), ("sighting", db.sightings), ("page", db.pages),
                             ("run", db.runs)):
        check = validator(kind)
        docs = list(collection.find())
        assert docs, kind
        known = set(SCHEMA["$defs"][kind]["properties"])
        for doc in docs:
            undocumented = set(doc) - known
            assert not undocumented, (
                f"{kind} field(s) {sorted(undocumented)} are stored but not documented: add them "
                "to docs/schema.json and docs/schema.md")
            errors = sorted(check.iter_errors(jsonable(doc, drop=())), key=str)
            assert not errors, f"{kind} {doc['_id']}: {errors[0].message} at {list(errors[0].path)}"


def test_schema_md_documents_every_schema_field():
    text = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    for kind in ("article", "page", "run", "sighting"):
        for field in SCHEMA["$defs"][kind]["properties"]:
            assert f"`{field}`" in text, f"docs/schema.md does not describe {kind} field {field}"
    for name in ("articles", "pages", "runs", "Merge rules", "crawler export"):
        assert name in text


def test_run_record_and_runs_table(crawled):
    run = crawled["db"].runs.find_one()
    assert run["status"] == "ok" and run["finish_reason"] == "finished"
    assert run["trigger"] == "manual" and run["job"] is None
    counts = run["counts"]
    assert counts["pages"] >= 50 and counts["new"] == 48 and counts["duplicates_folded"] > 0
    assert counts["new"] + counts["updated"] + counts["unchanged"] >= 48
    assert {"renders", "items", "teasers", "no_lead", "spilled"} <= set(counts)
    assert run["settings"] == {"CRAWLER_PROGRESS_INTERVAL": "0.2"}
    assert run["duration_s"] > 0

    table = run_crawler(["runs"], crawled["env"], timeout=60)
    assert table.returncode == 0, table.stderr
    header, line = table.stdout.splitlines()[:2]
    assert header.split()[:4] == ["STARTED", "(UTC)", "SPIDER", "JOB"]
    assert "daily8" in line and " ok " in line and " 48 " in line
    as_json = run_crawler(["runs", "--json", "--status", "ok"], crawled["env"], timeout=60)
    rows = [json.loads(x) for x in as_json.stdout.splitlines()]
    assert len(rows) == 1 and rows[0]["_id"] == run["_id"] and rows[0]["started_at"].endswith("Z")
    none = run_crawler(["runs", "--spider", "aggregator"], crawled["env"], timeout=60)
    assert none.returncode == 0 and "no runs recorded" in none.stdout


def test_progress_lines_are_logged(crawled):
    lines = [x for x in crawled["stderr"].splitlines() if "progress:" in x]
    assert lines, crawled["stderr"][-2000:]
    assert "pages" in lines[-1] and "items" in lines[-1] and "pages/min" in lines[-1]


def _export(env, *args) -> tuple[int, str, str]:
    proc = run_crawler(["export", *args], env, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def test_export_streams_in_updated_at_order_with_inclusive_since_and_exclusive_until(crawled):
    db, env = crawled["db"], crawled["env"]
    rc, out, err = _export(env, "--since", "2000-01-01")
    assert rc == 0, err
    lines = [json.loads(x) for x in out.splitlines()]
    assert len(lines) == db.articles.count_documents({}) == 48
    keys = [(x["updated_at"], x["_id"]) for x in lines]
    assert keys == sorted(keys)
    check = validator("article")
    for line in lines:
        assert not set(INTERNAL_FIELDS) & set(line)
        assert line["updated_at"].endswith("Z") and len(line["updated_at"]) == 24
        assert not list(check.iter_errors(line))

    times = sorted({x["updated_at"] for x in lines})
    cut = times[len(times) // 2]
    cut_dt = datetime.fromisoformat(cut.replace("Z", "+00:00"))
    expect_since = db.articles.count_documents({"updated_at": {"$gte": cut_dt}})
    expect_until = db.articles.count_documents({"updated_at": {"$lt": cut_dt}})
    _, since_out, _ = _export(env, "--since", cut)
    _, until_out, _ = _export(env, "--since", "2000-01-01T00:00:00+05:30", "--until", cut)
    since_ids = [json.loads(x)["_id"] for x in since_out.splitlines()]
    until_ids = [json.loads(x)["_id"] for x in until_out.splitlines()]
    assert len(since_ids) == expect_since and len(until_ids) == expect_until
    assert set(since_ids).isdisjoint(until_ids) and len(since_ids) + len(until_ids) == 48
    assert any(json.loads(x)["updated_at"] == cut for x in since_out.splitlines())  # inclusive

    source = lines[0]["source"]
    _, src_out, _ = _export(env, "--since", "2000-01-01", "--source", source)
    src = [json.loads(x) for x in src_out.splitlines()]
    assert src and all(x["source"] == source for x in src)
    assert len(src) == db.articles.count_documents({"source": source})

    _, future, _ = _export(env, "--since", iso(datetime.now(UTC).replace(year=2100)))
    assert future == ""


def test_export_csv_has_fixed_columns(crawled):
    rc, out, err = _export(crawled["env"], "--since", "2000-01-01", "--format", "csv")
    assert rc == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == CSV_COLUMNS
    assert len(rows) == 49
    first = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert len(first["id"]) == 40 and first["updated_at"].endswith("Z")
    assert int(first["seen_on_count"]) >= 1 and first["completeness"] == "full"


def test_export_bad_input_is_one_clear_message(crawled):
    rc, out, err = _export(crawled["env"], "--since", "yesterday-ish")
    assert rc == 2 and "not an ISO-8601 time: 'yesterday-ish'" in err and out == ""
    rc, _, err = _export(crawled["env"], "--since", "2026-01-02", "--until", "2026-01-01")
    assert rc == 2 and "--until must be later than --since" in err
    env = dict(crawled["env"], MONGO_URI="mongodb://reader:hunter2@127.0.0.1:9/")
    rc, out, err = _export(env, "--since", "2026-01-01")
    assert rc == 1 and "database unreachable" in err and "hunter2" not in err + out


def test_updated_at_is_indexed(crawled):
    indexes = crawled["db"].articles.index_information()
    assert any(spec["key"][0][0] == "updated_at" for spec in indexes.values())


def test_schema_json_is_valid():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert Path(ROOT / "docs" / "schema.json").exists()


def test_no_home_section_or_listing_link_is_a_story_or_teaser(crawled):
    """The demo site's article pages end their related list with "See all top stories" (the
    home page) and "More stories" (a listing page): neither is ever stored as a story, nor in
    any page's related list."""
    db = crawled["db"]
    site = DemoSite()
    stories = {story.path for story in site.stories}
    stored_paths = {urlsplit(doc["url"]).path for doc in db.articles.find({}, {"url": 1})}
    assert stored_paths <= stories, sorted(stored_paths - stories)
    listing_ids = {fingerprint(doc["url"]) for doc in db.pages.find({}, {"url": 1})
                   if urlsplit(doc["url"]).path in set(site.listing_paths)}
    for page in db.pages.find():
        assert not listing_ids & set(page["related"]), page["url"]
