"""The schedules file: YAML naming each job's cron expression, spider, arguments and timezone.

    timezone: UTC          # defaults for every job (optional)
    timeout: 3600          # seconds: overall bound of one run
    grace: 600             # seconds: missed-run window
    jobs:
      daily8-hourly:
        cron: "7 * * * *"              # 5 fields, or 6 with seconds last
        spider: daily8
        args: {max_depth: 2}           # -a NAME=VALUE
        settings: {LOG_LEVEL: INFO}    # -s NAME=VALUE
        timezone: Asia/Kolkata
        timeout: 1800
        enabled: true

Every problem is reported as one line naming the file and the job, and a file with any problem
is refused whole: a daemon never starts on a schedule it only half understood.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from croniter import croniter

from crawler import settings as defaults
from crawler.environment import setting

JOB_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
SETTING_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
TOP_KEYS = {"timezone", "timeout", "grace", "jobs"}
JOB_KEYS = {"cron", "spider", "args", "settings", "timezone", "timeout", "grace", "enabled"}


class ScheduleError(ValueError):
    """A schedules file that cannot be used; str() is one line per problem, each naming its job."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Job:
    name: str
    cron: str
    spider: str
    args: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    timezone: str = "UTC"
    timeout: int = 3600
    grace: int = 600
    enabled: bool = True

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def has_seconds(self) -> bool:
        return len(self.cron.split()) == 6


def default_path() -> Path:
    """--file, else CRAWLER_SCHEDULES, else ./schedules.yaml."""
    return Path(setting("CRAWLER_SCHEDULES") or defaults.CRAWLER_SCHEDULES)


def check_cron(expr: Any) -> str | None:
    """None when croniter accepts the expression with 5 or 6 fields, else why not."""
    if not isinstance(expr, str) or not expr.strip():
        return "cron must be a string such as \"7 * * * *\""
    fields = expr.split()
    if len(fields) not in (5, 6):
        return (f"invalid cron expression {expr!r}: expected 5 fields (minute hour day month "
                f"weekday) or 6 (with seconds last), got {len(fields)}")
    try:
        croniter(expr)
    except (ValueError, KeyError, TypeError) as exc:
        return f"invalid cron expression {expr!r}: {exc}"
    return None


def _seconds(value: Any, what: str) -> tuple[int | None, str | None]:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None, f"{what} must be a positive number of seconds, not {value!r}"
    return int(value), None


def _read_timing(spec: dict, values: dict[str, Any]) -> list[str]:
    """timezone, timeout and grace from `spec` (the file's defaults or one job) into `values`;
    the problems found, in the file's words."""
    problems: list[str] = []
    if "timezone" in spec:
        problem = _zone(spec["timezone"])
        if problem:
            problems.append(problem)
        else:
            values["timezone"] = spec["timezone"]
    for key in ("timeout", "grace"):
        if key in spec:
            value, problem = _seconds(spec[key], key)
            if problem:
                problems.append(problem)
            else:
                values[key] = value
    return problems


def _zone(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"timezone must be an IANA zone name such as Europe/London, not {value!r}"
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown timezone {value!r} (use an IANA name such as Europe/London)"
    return None


def _scalars(value: Any, what: str, key_ok=None) -> tuple[dict[str, str], str | None]:
    if value is None:
        return {}, None
    if not isinstance(value, dict):
        return {}, f"{what} must be a mapping of NAME: value"
    out = {}
    for k, v in value.items():
        if not isinstance(k, str) or (key_ok and not key_ok.match(k)):
            return {}, f"{what}: bad name {k!r}"
        if isinstance(v, dict | list) or v is None:
            return {}, f"{what}.{k} must be a plain value (string, number or boolean)"
        out[k] = str(v).lower() if isinstance(v, bool) else str(v)
    return out, None


def parse(data: Any, source: str = "schedules file", spiders: set[str] | None = None,
          arguments: dict[str, frozenset[str]] | None = None,
          lines: dict[tuple, int] | None = None) -> list[Job]:
    """Jobs from parsed YAML. Raises ScheduleError listing every problem found.

    `arguments` maps a spider to the `-a` names it takes (spiders missing from it take any);
    `lines` maps (job,), (job, key) and (job, "args", name) to their line in the file, so each
    problem names the line to edit."""
    lines = lines or {}

    def where(name: Any, *path: str) -> str:
        for depth in range(len(path), -1, -1):
            line = lines.get((name, *path[:depth]))
            if line:
                return f"{source}:{line}: job {name!r}"
        return f"{source}: job {name!r}"

    if not isinstance(data, dict):
        raise ScheduleError([f"{source}: expected a mapping with a `jobs:` section"])
    problems: list[str] = []
    for key in sorted(set(data) - TOP_KEYS, key=str):
        problems.append(f"{source}: unknown key {key!r} (known: {', '.join(sorted(TOP_KEYS))})")
    defaults: dict[str, Any] = {"timezone": "UTC", "timeout": _setting_int("CRAWLER_RUN_TIMEOUT", 3600),
                                "grace": _setting_int("CRAWLER_SCHEDULE_GRACE", 600)}
    problems.extend(f"{source}: {p}" for p in _read_timing(data, defaults))
    jobs_data = data.get("jobs")
    if not isinstance(jobs_data, dict) or not jobs_data:
        problems.append(f"{source}: `jobs:` must map job names to jobs (none found)")
        raise ScheduleError(problems)
    jobs: list[Job] = []
    for name, spec in jobs_data.items():
        if not isinstance(name, str) or not JOB_NAME.match(name):
            problems.append(f"{where(name)}: job names use letters, digits, '.', '_' and '-' only")
            continue
        if not isinstance(spec, dict):
            problems.append(f"{where(name)}: expected a mapping with cron and spider")
            continue
        job_problems: list[str] = []
        located: list[str] = []
        for key in sorted(set(spec) - JOB_KEYS, key=str):
            located.append(f"{where(name, key)}: unknown key {key!r} "
                           f"(known: {', '.join(sorted(JOB_KEYS))})")
        if "cron" not in spec:
            job_problems.append("missing `cron`")
        else:
            problem = check_cron(spec["cron"])
            if problem:
                job_problems.append(problem)
        spider = spec.get("spider")
        if not isinstance(spider, str) or not spider:
            job_problems.append("missing `spider`")
        elif spiders is not None and spider not in spiders:
            job_problems.append(f"unknown spider {spider!r} (known: {', '.join(sorted(spiders))})")
        args, problem = _scalars(spec.get("args"), "args")
        if problem:
            job_problems.append(problem)
        elif arguments is not None and isinstance(spider, str) and spider in arguments:
            located.extend(f"{where(name, 'args', arg)}: {msg}"
                           for arg, msg in _unknown_arguments(args, spider, arguments[spider]))
        settings, problem = _scalars(spec.get("settings"), "settings", SETTING_NAME)
        if problem:
            job_problems.append(problem)
        values = dict(defaults)
        job_problems.extend(_read_timing(spec, values))
        enabled = spec.get("enabled", True)
        if not isinstance(enabled, bool):
            job_problems.append(f"enabled must be true or false, not {enabled!r}")
        if job_problems or located:
            problems.extend(located)
            problems.extend(f"{where(name)}: {p}" for p in job_problems)
            continue
        jobs.append(Job(name=name, cron=" ".join(spec["cron"].split()), spider=spider, args=args,
                        settings=settings, enabled=enabled, **values))
    if problems:
        raise ScheduleError(problems)
    return jobs


def load(path: str | Path | None = None, check_spiders: bool = True) -> list[Job]:
    """Read and validate a schedules file; spider names are checked against the project's."""
    path = Path(path) if path else default_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScheduleError([f"schedules file {path}: cannot read it ({exc.strerror or exc})"]) from None
    source = f"schedules file {path}"
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ScheduleError([f"{source}: not valid YAML{where}: "
                             f"{getattr(exc, 'problem', None) or exc}"]) from None
    duplicates = duplicate_keys(root, source)
    if duplicates:
        raise ScheduleError(duplicates)
    spiders = arguments = None
    if check_spiders:
        spiders = known_spiders()
        arguments = spider_arguments(spiders)
    return parse(data, source, spiders, arguments, job_lines(root))


def _unknown_arguments(args: dict[str, str], spider: str, known: frozenset[str]):
    for arg in args:
        if arg not in known:
            close = difflib.get_close_matches(arg, known, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            yield arg, (f"unknown argument {arg!r} for spider {spider} ({hint}"
                        f"known: {', '.join(sorted(known))})")


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def duplicate_keys(root: yaml.Node | None, source: str) -> list[str]:
    """One problem per key written twice in one mapping (YAML would keep the last silently),
    a job name above all."""
    found: list[tuple[int, str]] = []
    stack = [(root, ())]
    while stack:
        node, path = stack.pop()
        if not isinstance(node, yaml.MappingNode):
            continue
        first: dict[str, int] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            line = _line(key)
            if key.value not in first:
                first[key.value] = line
            elif path == ("jobs",):
                found.append((line, f"job {key.value!r} is defined twice (first at line "
                                    f"{first[key.value]}); job names must be unique"))
            else:
                inside = f" in {'.'.join(map(str, path))}" if path else ""
                found.append((line, f"key {key.value!r} is given twice{inside} (first at line "
                                    f"{first[key.value]})"))
            stack.append((value, (*path, key.value)))
    return [f"{source}:{line}: {message}" for line, message in sorted(found)]


def job_lines(root: yaml.Node | None) -> dict[tuple, int]:
    """(job,), (job, key) and (job, "args", name) -> line, from the composed file."""
    lines: dict[tuple, int] = {}

    def mapping(node):
        if not isinstance(node, yaml.MappingNode):
            return []
        return [(k.value, k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]

    for key, _, jobs_node in mapping(root):
        if key != "jobs":
            continue
        for job, job_key, spec in mapping(jobs_node):
            lines.setdefault((job,), _line(job_key))
            for field_name, field_key, value in mapping(spec):
                lines.setdefault((job, field_name), _line(field_key))
                if field_name == "args":
                    for arg, arg_key, _ in mapping(value):
                        lines.setdefault((job, "args", arg), _line(arg_key))
    return lines


def spider_arguments(spiders: set[str]) -> dict[str, frozenset[str]]:
    """The `-a` names each spider takes, as `crawler crawl` checks them (a spider's ARGUMENTS
    plus its constructors' parameters); a spider that declares none is left out (it may take
    anything)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    # Scrapy loaded only to check spider arguments (start-up cost of `crawler schedule`); the
    # crawl command's own check, so a schedule and a crawl agree
    from scrapy.spiderloader import get_spider_loader
    from scrapy.utils.project import get_project_settings

    from crawler.cli.scrapy_commands.usage import accepted_arguments  # loaded on use: see above

    loader = get_spider_loader(get_project_settings())
    out: dict[str, frozenset[str]] = {}
    for name in spiders:
        known = accepted_arguments(loader.load(name))
        if known is not None:
            out[name] = frozenset(known)
    return out


def known_spiders() -> set[str]:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    # Scrapy loaded only to check spider names (start-up cost of `crawler schedule`)
    from scrapy.spiderloader import get_spider_loader
    from scrapy.utils.project import get_project_settings

    return set(get_spider_loader(get_project_settings()).list())


def _setting_int(name: str, default: int) -> int:
    try:
        return int(setting(name) if setting(name) is not None else default)
    except (TypeError, ValueError):
        return default
