"""Scrapy's disk queue for pending requests, without its per-request scan of the spider.

To store a request, Scrapy's disk queues turn it into a dict (Request.to_dict), naming its
callback and errback by a scan of every member of the spider (inspect.getmembers), twice per
request: most of the time a request spends in the queue's push, about a hundredth of a page's
cost with the frontier on disk. Here the names are remembered per function after Scrapy's own
lookup has found them once; what is stored is the same dict, so a JOBDIR written by one queue is
read by the other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scrapy import Request
from scrapy.squeues import PickleLifoDiskQueue as ScrapyPickleLifoDiskQueue


def request_dict(request: Request, spider: Any, names: dict[Any, str]) -> dict[str, Any]:
    """Request.to_dict(spider=spider), with the callback and errback names taken from `names`
    (function -> method name) when the spider's own methods are named there; Scrapy's lookup
    otherwise (which raises ValueError for a callable that is no method of the spider), and
    its answer kept in `names`."""
    try:
        d = {"url": request.url, "callback": _named(request.callback, spider, names),
             "errback": _named(request.errback, spider, names),
             "headers": dict(request.headers)}
    except KeyError:
        d = request.to_dict(spider=spider)
        for func, name in ((request.callback, d["callback"]), (request.errback, d["errback"])):
            if callable(func) and getattr(func, "__self__", None) is spider:
                names[func.__func__] = name
        return d
    for attr in request.attributes:
        d.setdefault(attr, getattr(request, attr))
    if type(request) is not Request:
        d["_class"] = request.__module__ + "." + request.__class__.__name__
    return d


def _named(func: Callable | str | None, spider: Any, names: dict[Any, str]) -> Any:
    if not callable(func):
        return func
    if getattr(func, "__self__", None) is not spider:
        raise KeyError(func)
    return names[func.__func__]


class PickleLifoDiskQueue(ScrapyPickleLifoDiskQueue):
    """scrapy.squeues.PickleLifoDiskQueue, naming callbacks from memory (see the module)."""

    def __init__(self, crawler, key: str):
        super().__init__(crawler, key)
        self._names: dict[Any, str] = {}

    def push(self, request: Request) -> None:
        # Past Scrapy's push (which would call to_dict) to the pickling queue under it.
        super(ScrapyPickleLifoDiskQueue, self).push(
            request_dict(request, self.spider, self._names))
