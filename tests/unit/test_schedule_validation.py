"""A schedules file's mistakes are refused, each as one line naming file, line and job:
duplicate job names (YAML keeps the last silently) and spider arguments the spider does not take."""

from __future__ import annotations

import pytest

from crawler.schedule import jobs
from crawler.schedule.jobs import ScheduleError


def problems(tmp_path, text: str) -> list[str]:
    path = tmp_path / "schedules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScheduleError) as info:
        jobs.load(path)
    return [p.replace(str(path), "F") for p in info.value.problems]


def test_duplicate_job_names_are_an_error_naming_both_lines(tmp_path):
    found = problems(tmp_path, """\
jobs:
  hourly:
    cron: "7 * * * *"
    spider: daily8
  other:
    cron: "8 * * * *"
    spider: daily8
  hourly:
    cron: "9 * * * *"
    spider: daily8
""")
    assert found == ["schedules file F:8: job 'hourly' is defined twice (first at line 2); "
                     "job names must be unique"]


def test_a_key_given_twice_in_a_job_is_an_error(tmp_path):
    found = problems(tmp_path, 'jobs:\n  a:\n    cron: "7 * * * *"\n    spider: daily8\n'
                               '    cron: "8 * * * *"\n')
    assert found == ["schedules file F:5: key 'cron' is given twice in jobs.a (first at line 3)"]


def test_unknown_spider_argument_names_its_line_and_the_likely_one(tmp_path):
    found = problems(tmp_path, """\
jobs:
  deep:
    cron: "7 * * * *"
    spider: daily8
    args:
      max_depth: 2
      max_dpeth: 3
""")
    assert len(found) == 1
    assert found[0].startswith("schedules file F:7: job 'deep': unknown argument 'max_dpeth' for "
                               "spider daily8 (did you mean 'max_depth'? known: "), found
    assert "start_url" in found[0] and "feeds" in found[0]


def test_every_argument_the_spiders_read_is_accepted(tmp_path):
    path = tmp_path / "schedules.yaml"
    path.write_text("""\
jobs:
  a:
    cron: "7 * * * *"
    spider: aggregator
    args: {start_url: "https://x.example/", max_depth: 1, allowed_domains: x.example,
           feeds: "https://x.example/rss", sitemaps: "https://x.example/sitemap.xml"}
""", encoding="utf-8")
    assert [j.name for j in jobs.load(path)] == ["a"]


def test_other_problems_name_their_line(tmp_path):
    found = problems(tmp_path, 'jobs:\n  a:\n    cron: "7 * * * *"\n    spider: daily8\n'
                               '    sched: 1\n  b:\n    cron: "61 * * * *"\n    spider: daily8\n')
    assert found[0].startswith("schedules file F:5: job 'a': unknown key 'sched'"), found
    assert found[1].startswith("schedules file F:6: job 'b': invalid cron expression"), found


def test_spider_arguments_only_for_spiders_that_declare_them():
    known = jobs.spider_arguments(jobs.known_spiders())
    assert {"start_url", "max_depth", "allowed_domains", "feeds", "sitemaps"} <= known["daily8"]
    assert "max_dpeth" not in known["daily8"] and "self" not in known["daily8"]
