"""Scrapy's disk queue for pending requests, without its per-request scan of the spider, and
with a write that either lands whole or fails at once.

To store a request, Scrapy's disk queues turn it into a dict (Request.to_dict), naming its
callback and errback by a scan of every member of the spider (inspect.getmembers), twice per
request: most of the time a request spends in the queue's push, about a hundredth of a page's
cost with the frontier on disk. Here the names are remembered per function after Scrapy's own
lookup has found them once; what is stored is the same dict, in the same file format, so a
JOBDIR written by one queue is read by the other.

queuelib's LIFO file is buffered: a push "succeeds" into the buffer, and a full disk is only
found when the buffer is flushed, by a later pop or at close, after the scheduler has counted
the request as stored and with records cut short in the file. Here every push is written
through, and a write that fails is cut back off the file before the error reaches the
scheduler, which then keeps that request (and later ones) in memory: nothing is lost. Records
are read and cut off by offset (pread, ftruncate), not through the file position.
"""

from __future__ import annotations

import errno
import os
import pickle
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.squeues import PickleLifoDiskQueue as ScrapyPickleLifoDiskQueue
from scrapy.utils.request import request_from_dict


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


def serialize(obj: Any) -> bytes:
    """Scrapy's pickling for disk queues: ValueError for what cannot be pickled, which the
    scheduler answers by keeping that request in memory."""
    try:
        return pickle.dumps(obj, protocol=4)
    except (pickle.PicklingError, AttributeError, TypeError) as exc:
        raise ValueError(str(exc)) from exc


class PickleLifoDiskQueue(ScrapyPickleLifoDiskQueue):
    """scrapy.squeues.PickleLifoDiskQueue, naming callbacks from memory, writing through and
    reading by offset (see the module); close is queuelib's."""

    def __init__(self, crawler, key: str):  # noqa: D107 - replaces the chain's buffered open
        self.spider = crawler.spider
        self._names: dict[Any, str] = {}
        self.path = str(key)
        Path(key).parent.mkdir(parents=True, exist_ok=True)
        if Path(key).exists():
            self.f = open(key, "rb+", buffering=0)  # noqa: SIM115 - closed by close()
            (self.size,) = struct.unpack(self.SIZE_FORMAT, self.f.read(self.SIZE_SIZE))
            self._end = self.f.seek(0, os.SEEK_END)
        else:
            self.f = open(key, "wb+", buffering=0)  # noqa: SIM115 - closed by close()
            self.size = 0
            self._end = 0
            try:
                self._append(struct.pack(self.SIZE_FORMAT, 0))
            except OSError:
                self.f.close()
                Path(key).unlink(missing_ok=True)
                raise

    def push(self, request: Request) -> None:
        data = serialize(request_dict(request, self.spider, self._names))
        self._append(data + struct.pack(self.SIZE_FORMAT, len(data)))
        self.size += 1

    def pop(self) -> Request | None:
        return self._request(self._last(remove=True))

    def peek(self) -> Request | None:
        return self._request(self._last(remove=False))

    def _request(self, data: bytes | None) -> Request | None:
        return None if data is None else request_from_dict(pickle.loads(data), spider=self.spider)

    def _last(self, remove: bool) -> bytes | None:
        """The last record (queuelib's layout: data, then its length), read by offset: three
        system calls where the file-position form made seven."""
        if not self.size:
            return None
        fd = self.f.fileno()
        (size,) = struct.unpack(self.SIZE_FORMAT,
                                os.pread(fd, self.SIZE_SIZE, self._end - self.SIZE_SIZE))
        start = self._end - self.SIZE_SIZE - size
        data = os.pread(fd, size, start)
        if len(data) != size:
            raise OSError(errno.EIO, f"frontier file {self.path} is shorter than its records")
        if remove:
            os.ftruncate(fd, start)
            self._end = start
            self.size -= 1
        return data

    def _append(self, record: bytes) -> None:
        """Write `record` at the end of the file, whole, or leave the file as it was and raise."""
        fd = self.f.fileno()
        end = self._end
        view = memoryview(record)
        try:
            while view:
                view = view[os.pwrite(fd, view, end + len(record) - len(view)):]
        except OSError:
            os.ftruncate(fd, end)
            raise
        self._end = end + len(record)
