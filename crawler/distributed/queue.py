"""The shared request queue: pops leased to a worker, meta that cannot be pickled kept out."""

from __future__ import annotations

import logging
import pickle
import uuid

from scrapy import Request
from scrapy_redis.queue import PriorityQueue

from crawler.distributed.keys import LEASE, LOCAL_META
from crawler.frontier.queues import request_dict

log = logging.getLogger(__name__)

# Pop the best request and lease it to this worker, clearing its idle flag, atomically.
_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0)
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
redis.call('HSET', KEYS[2], ARGV[1], r[1])
redis.call('DEL', KEYS[3])
return r[1]
"""
# Queue a request unless its fingerprint was seen, and mark it seen, atomically: a worker killed
# between the two (seen in one command, queued in the next) left a page marked seen and queued
# nowhere, never fetched by any worker. The queue is written before the mark, so a failing
# write leaves neither.
_PUSH_UNSEEN = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[1], ARGV[1])
return 1
"""


class SafeQueue(PriorityQueue):
    """scrapy-redis's priority queue, with pops leased to a worker and unpicklable meta kept out."""

    worker_id = ""
    lease_key = ""
    idle_key = ""

    def _encode_request(self, request: Request) -> bytes:
        # Callback names from memory (crawler.frontier.queues), not a scan of the spider's
        # members per request; meta checked key by key only when the whole does not pickle.
        names = self.__dict__.setdefault("_names", {})
        obj = request_dict(request, self.spider, names)
        meta = obj.get("meta") or {}
        dropped = [k for k in LOCAL_META if k in meta]
        if dropped or LEASE in meta:
            obj["meta"] = {k: v for k, v in meta.items() if k not in dropped and k != LEASE}
        try:
            data = self.serializer.dumps(obj)
        except Exception:  # noqa: BLE001 (anything a __reduce__ may raise)
            meta = obj.get("meta") or {}
            dropped += [key for key in meta if not _picklable(meta[key])]
            obj["meta"] = {k: v for k, v in meta.items() if k not in dropped}
            data = self.serializer.dumps(obj)
        if dropped:
            log.warning("request %s: meta %s cannot cross processes; sent to the shared queue "
                        "without it", request.url, ", ".join(sorted(dropped)))
        return data

    def push_unseen(self, request: Request, seen_key: str, fingerprint: str) -> bool:
        """Queue `request` unless `fingerprint` is in the set `seen_key`, and add it there, in
        one step; False when it was seen. Raises what encoding raises (the caller keeps such a
        request locally) before anything is written."""
        data = self._encode_request(request)
        return bool(self.server.eval(_PUSH_UNSEEN, 2, seen_key, self.key, fingerprint,
                                     -request.priority, data))

    def pop(self, timeout: int = 0) -> Request | None:
        lease = uuid.uuid4().hex
        data = self.server.eval(_POP, 3, self.key, self.lease_key, self.idle_key, lease)
        if not data:
            return None
        request = self._decode_request(data)
        request.meta[LEASE] = lease
        return request


def _picklable(value) -> bool:
    try:
        pickle.dumps(value, protocol=-1)
    except Exception:  # noqa: BLE001 (anything a __reduce__ may raise)
        return False
    return True
