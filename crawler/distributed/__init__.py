"""Distributed mode: many worker processes, on any number of machines, crawl one site together.

Built on scrapy-redis (one request queue and one duplicate filter in Redis), switched on by the
REDIS_URL setting (env REDIS_URL or CRAWLER_REDIS_URL, or `-s REDIS_URL=...`) through the
`DistributedMode` add-on; with REDIS_URL unset nothing here is loaded and a crawl is exactly the
single-process crawl.

scrapy-redis 0.9.1 is used as is, subclassed where its defaults fall into known traps:

* Fingerprints kept forever. Its dupefilter never forgets, so a scheduled run would never fetch
  the start page or a listing page again. `RunDupeFilter` keeps two sets: article fingerprints
  (kept across runs: a story page is fetched once), and a per-run set for listing pages (start
  URLs and every URL a worker found to be a listing: no lead story, several cards). The run key
  is shared by the workers of one run and dropped by the last worker to finish.
* Pickled requests. Requests travel through Redis as pickled dicts: callbacks must be spider
  methods and meta must pickle. `SafeQueue` drops meta values that do not pickle (a Playwright
  page, a lock) with a warning, and a request that cannot be shared at all (a lambda callback)
  is kept in a local queue of this worker, with a warning, rather than lost.
* Idle forever / close too early. A worker closes only when the shared queue is empty and every
  live worker is idle (nothing in flight), so no one leaves while another may still add links.
* Lost work on a crash. scrapy-redis pops a request and forgets it; a killed worker loses what it
  held. Here a pop moves the request into a per-worker lease hash in one Redis script; leases are
  released once the page's items reached the database (the `store_flushed` signal of
  crawler.signals) and at a clean close. A worker whose heartbeat expires (CRAWLER_REDIS_WORKER_TTL) has
  its leases put back in the queue by any other worker.
* Politeness is per process: CONCURRENT_REQUESTS_PER_DOMAIN and DOWNLOAD_DELAY apply to each
  worker, so N workers send up to N times the per-domain rate. docs/operations.md says how to
  set them; the worker logs the effective total at start.

One file per component, as scrapy-redis lays itself out: addon.py (switches the others on),
scheduler.py, dupefilter.py, queue.py, lock.py (the shared write lock), keys.py (defaults and
Redis key names), connection.py.
"""

from crawler.distributed.addon import DistributedMode
from crawler.distributed.connection import redis_client
from crawler.distributed.dupefilter import RunDupeFilter
from crawler.distributed.keys import LEASE
from crawler.distributed.lock import write_lock
from crawler.distributed.queue import SafeQueue
from crawler.distributed.scheduler import DistributedScheduler

__all__ = ["LEASE", "DistributedMode", "DistributedScheduler", "RunDupeFilter", "SafeQueue",
           "redis_client", "write_lock"]
