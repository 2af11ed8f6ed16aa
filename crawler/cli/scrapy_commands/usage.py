"""Checks of a crawl request that run before anything starts (database, reactor, requests).

A mistake in how a crawl was asked for (an unknown spider, `-a max_depth=abc`, a missing
start_url, `-s CONCURRENT_REQUESTS=many`) is the operator's to fix: it gets one line saying what
was wrong and exit status 2, and no embedded database is started in whatever directory the
command was typed in. Each check returns that line, or None when all is well.
"""

from __future__ import annotations

import difflib
import inspect
import json
from collections.abc import Mapping

from scrapy.settings import Settings

from crawler.sites.registry import spider_profile_problem

# Spider arguments every spider accepts whatever it declares: Scrapyd passes `_job` (and may
# pass other names starting with an underscore).
_RESERVED_PREFIX = "_"


def load_spider_class(name: str, settings: Settings):
    """(spider class, None) for a known spider name, else (None, the one line that says why)."""
    # loaded on use: the spider modules are imported only when a crawl is checked
    from scrapy.spiderloader import get_spider_loader

    try:
        loader = get_spider_loader(settings)
    except Exception as exc:  # a spider module that cannot be imported (a broken profile...)
        return None, f"cannot load the spiders: {_one_line(exc)}"
    try:
        return loader.load(name), None
    except KeyError:
        known = sorted(loader.list())
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return None, f"unknown spider {name!r} ({hint}known: {', '.join(known) or 'none'})"


def check_spider_args(spidercls, args: Mapping[str, str]) -> str | None:
    """Argument names the spider does not accept, and values its constructor rejects. A spider
    declaring ARGUMENTS (names) is checked for unknown names; every spider is built once with
    the arguments, without a crawler, so its own validation speaks (a ValueError's message)."""
    known = accepted_arguments(spidercls)
    if known is not None:
        for name in args:
            if name.startswith(_RESERVED_PREFIX) or name in known:
                continue
            close = difflib.get_close_matches(name, list(known), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            return (f"spider {spidercls.name!r} has no argument {name!r} "
                    f"({hint}arguments: {', '.join(known)})")
    try:
        spidercls(**dict(args))
    except (ValueError, TypeError) as exc:
        return f"bad argument for spider {spidercls.name!r}: {_one_line(exc)}"
    except Exception as exc:  # a spider's own bug: still one line, before anything starts
        return f"spider {spidercls.name!r} cannot start: {type(exc).__name__}: {_one_line(exc)}"
    return None


def accepted_arguments(spidercls) -> tuple[str, ...] | None:
    """The -a names a spider accepts: its ARGUMENTS plus the named parameters of every
    constructor in its class hierarchy; None when it declares no ARGUMENTS (anything goes, as
    in Scrapy)."""
    declared = getattr(spidercls, "ARGUMENTS", None)
    if declared is None:
        return None
    names = list(declared)
    for cls in spidercls.__mro__:
        init = cls.__dict__.get("__init__")
        if init is None:
            continue
        for param in inspect.signature(init).parameters.values():
            if param.kind in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY) \
                    and param.name not in ("self", "name") and param.name not in names:
                names.append(param.name)
    return tuple(names)


def check_settings(values: Mapping[str, object]) -> str | None:
    """Settings given on the command line (`-s NAME=VALUE`, as written) whose value cannot be
    read as their default's type (a number, true/false, a JSON object), and names that look
    like a misspelt known setting. Unknown names that resemble none are allowed: add-ons read
    their own settings."""
    # loaded on use: the project settings module imports the render machinery
    from scrapy.settings import default_settings

    import crawler.settings as project  # loaded on use: see above

    defaults: dict[str, object] = {}
    for module in (default_settings, project):
        defaults.update({k: getattr(module, k) for k in dir(module) if k.isupper()})
    for name, value in values.items():
        if name not in defaults:
            close = difflib.get_close_matches(name, list(defaults), n=1, cutoff=0.85)
            if close:
                return f"unknown setting {name!r} (did you mean {close[0]!r}?)"
            continue
        problem = _type_problem(defaults[name], value)
        if problem:
            return f"bad setting {name}={value!r}: {problem}"
    return None


def _type_problem(default: object, value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    if isinstance(default, bool):
        if text.lower() not in {"true", "false", "1", "0", "yes", "no", "on", "off"}:
            return "expected true or false"
    elif isinstance(default, int | float):  # Scrapy reads some int defaults with getfloat
        try:
            float(text)
        except ValueError:
            return "expected a number"
    elif isinstance(default, dict):
        try:
            parsed = json.loads(text)
        except ValueError:
            return "expected a JSON object"
        if not isinstance(parsed, dict):
            return "expected a JSON object"
    return None


def check_crawl(spider: str, spargs: Mapping[str, str], settings: Settings) -> str | None:
    """The spider and its arguments, checked before the crawl starts; the first problem, or
    None. (Command-line settings are checked earlier, with check_settings, as written.)"""
    spidercls, problem = load_spider_class(spider, settings)
    if problem:
        return problem
    # A broken site profile stops the spiders that use it, and only them: its own line.
    problem = spider_profile_problem(spidercls)
    if problem:
        return problem
    problem = check_spider_args(spidercls, spargs)
    if problem:
        return problem
    # loaded on use: extraction (lxml and the rest) is not needed to print a usage error
    from crawler.extraction_workers import processes_for, recycle_after_for

    try:
        processes_for(settings.get("CRAWLER_EXTRACT_PROCESSES"))
        recycle_after_for(settings.get("CRAWLER_EXTRACT_RECYCLE_AFTER"))
    except ValueError as exc:
        return str(exc)
    return None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]
