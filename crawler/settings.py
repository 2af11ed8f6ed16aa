"""Scrapy settings for the crawler: each default once, nothing read from the environment here.

Every setting (these and Scrapy's own) may be overridden without editing code: from the
environment as CRAWLER_<NAME> (crawler.environment, applied like -s), from the command line with
`-s NAME=VALUE`, or per spider. Precedence: defaults < spider < environment < -s.
MONGO_URI / MONGO_DB / CRAWLER_DATA_DIR select the database and data directory (crawler.config).
"""

from __future__ import annotations

from crawler.render.browser import DEFAULT_CHROMIUM
from crawler.render.browser import QUIET_ARGS as CHROMIUM_QUIET_ARGS

BOT_NAME = "newscrawler"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
COMMANDS_MODULE = "crawler.cli.scrapy_commands"

USER_AGENT = "newscrawler/0.1 (+https://example.invalid/newscrawler)"
ROBOTSTXT_OBEY = True
# Politeness (crawler/politeness, docs/operations.md): the sites crawled are other people's, so
# Scrapy's project template is the default: one request at a time per site, a delay between them,
# AutoThrottle slowing down further when a site answers slowly. robots.txt's Crawl-delay is a floor
# (capped at ROBOTSTXT_MAX_CRAWL_DELAY seconds). A profile's `politeness` raises the limits for a
# site the user owns; `-s` and CRAWLER_<NAME> environment values win over a profile.
DOWNLOADER = "crawler.politeness.downloader.PoliteDownloader"
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 5
AUTOTHROTTLE_MAX_DELAY = 60
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
ROBOTSTXT_MAX_CRAWL_DELAY = 60
# Scrapy starts this many worker tasks for every response's output, however few objects it
# yields (default 100). A page yields a few dozen objects and the pipelines do not wait on I/O
# per item, so fewer workers lose nothing and spare the event loop (docs/operations.md).
CONCURRENT_ITEMS = 16
# Bytes of responses Scrapy's scraper holds while their items go through the pipelines (default
# 5 MB). When the database is behind, the store pipeline makes items wait, their responses stay
# here, and fetching pauses at this size: a smaller bound keeps a long crawl's memory down
# (docs/operations.md). Parsing is synchronous, so a fast database never comes near it.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 1_000_000
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 2
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# No control listeners: a scheduled crawler opens no ports of its own.
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"

ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.dedup.DedupPipeline": 200,
    "pipelines.store.StorePipeline": 300,
}

# How many sightings the store pipeline sends to MongoDB in one bulk write.
STORE_BATCH_SIZE = 500
# A batch is also written when this many seconds passed since the last one (fresh data for
# consumers of slow crawls). Batches sealed while one is being written merge into the one
# waiting, up to STORE_MAX_BATCH items (a story seen on several of its pages: one statement);
# the crawl waits for the database only when STORE_MAX_PENDING batches wait and the last is full.
STORE_FLUSH_INTERVAL = 5.0
STORE_MAX_BATCH = 2000
STORE_MAX_PENDING = 1
# A story's last_seen_at is advanced when it moves by at least this many seconds (each advance
# rewrites the story's document; the exact times are in the sightings collection). 0: every batch.
STORE_SEEN_RESOLUTION = 300.0
# Stories whose last known state the writer keeps in memory (a hint that saves reads; see
# crawler/storage/store.py), and how long an entry is trusted. 0 stories: always read. About
# 1.1 kB a story: 5,000 fill within a crawl's first few thousand pages, so memory stays flat
# after (docs/operations.md, memory); re-sightings are mostly of recent stories.
STORE_STATE_CACHE = 5000
STORE_STATE_TTL = 600.0
# Crawl depth when neither the profile nor `-a max_depth=` says.
CRAWLER_MAX_DEPTH = 3
# Default page zone for times written without one, when the profile names none.
CRAWLER_DEFAULT_TZ = "UTC"
# Processes that read pages (crawler/extraction_workers.py) beside the reactor thread, which
# then only fetches and stores: "auto" is one per core beyond the first (at most 4); 0 reads
# pages in the reactor thread.
CRAWLER_EXTRACT_PROCESSES = "auto"
# Pages each of those processes reads before a fresh one replaces it (0: never): a worker's
# memory grows with the pages it has read (caches, lxml, heap fragments), a new one starts at
# what its imports cost (about 0.6 s of CPU, under 0.5 ms a page at this count).
CRAWLER_EXTRACT_RECYCLE_AFTER = 2000


# -- Components -------------------------------------------------------------------------------
# The environment add-on first: the distributed add-on reads REDIS_URL, which it may set.
ADDONS = {
    "crawler.environment.EnvironmentSettings": 0,
    # Pending requests on disk (CRAWLER_FRONTIER_ON_DISK); before the distributed add-on.
    "crawler.frontier.addon.DiskFrontier": 50,
    "crawler.distributed.addon.DistributedMode": 100,
    # Components off by their *_ENABLED setting (remote control, Telnet, cookies): not imported.
    "crawler.switched_off.SwitchedOffComponents": 200,
}
EXTENSIONS = {
    "crawler.extensions.jobstate.CrashSafeJobdir": -1,
    # SIGTERM/SIGINT while the crawl starts up: the spider still closes (run recorded).
    "crawler.extensions.early_stop.EarlyStop": 0,
    # Scrapy's memory checks, counting the browser's processes too (MEMUSAGE_* settings apply).
    "scrapy.extensions.memusage.MemoryUsage": None,
    "crawler.render.memory.BrowserMemoryUsage": 0,
    "crawler.extensions.runrecord.RunRecorder": 100,  # the runs document of every crawl
    "crawler.extensions.progress.ProgressLog": 500,
}
DOWNLOADER_MIDDLEWARES = {
    # Scrapy's own lets requests that wait for robots.txt through unchecked
    # (crawler/middlewares/robots.py).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.robots.RobotsTxtMiddleware": 100,
    # After redirects are followed (600), before retries (550): sees 200 and 304 answers.
    "crawler.middlewares.incremental.IncrementalMiddleware": 580,
    "crawler.middlewares.redirect_loops.RedirectLoopMiddleware": 650,
}
DOWNLOAD_HANDLERS = {
    # Rendered requests go to Chromium, every other one to Scrapy's HTTP/1.1 client.
    "http": "crawler.render.handler.RenderDownloadHandler",
    "https": "crawler.render.handler.RenderDownloadHandler",
}

# -- Operations: run records, progress lines, scheduled runs ----------------------------------
# Seconds between progress lines (pages, items, rate) in a crawl's log; 0 turns them off.
CRAWLER_PROGRESS_INTERVAL = 10
# Run id and job name of a scheduled crawl; the scheduler passes them with -s.
CRAWLER_RUN_ID = ""
CRAWLER_RUN_JOB = ""
# Overall bound in seconds of a scheduled crawl (a job's `timeout` overrides): the scheduler
# passes it as CLOSESPIDER_TIMEOUT and kills the process CRAWLER_RUN_KILL_GRACE seconds later.
CRAWLER_RUN_TIMEOUT = 3600
# A run is partial (exit 1) when more than this share of its requests failed (network errors,
# 5xx, unreadable bodies). Pages the site removed (404/410), refused or robots.txt disallows
# are counted as policy, never failures (crawler/extensions/run_status.py).
CRAWLER_MAX_FAILED_SHARE = 0.05
CRAWLER_RUN_KILL_GRACE = 60
# Schedules file read by `crawler schedule` when --file is not given.
CRAWLER_SCHEDULES = "schedules.yaml"
# Missed-run policy: a run missed by at most this many seconds runs once, late; older misses
# are skipped (never caught up one by one).
CRAWLER_SCHEDULE_GRACE = 600
# On SIGTERM the scheduler forwards it to running crawls and waits this long before killing them.
CRAWLER_SCHEDULE_STOP_TIMEOUT = 30
# A job's log (<data dir>/logs/<job>.log) over this many bytes is rotated by the scheduler before
# the job's next run, keeping this many older ones (<job>.log.1 ...); 0 bytes: never rotated.
CRAWLER_JOB_LOG_MAX_BYTES = 10 * 1024 * 1024
CRAWLER_JOB_LOG_BACKUPS = 3

# -- Rendering pages that need JavaScript (crawler/render/) ------------------------------------
# Requests with meta playwright=True are rendered in headless Chromium; every other request goes
# to Scrapy's own HTTP/1.1 client inside the same handler. Nothing browser-related starts until
# the first page that needs it. The browser executable, unless PLAYWRIGHT_LAUNCH_OPTIONS names
# one (executable_path).
CRAWLER_CHROMIUM = DEFAULT_CHROMIUM
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "headless": True,
    # Headless as root (--no-sandbox) and quiet on the network: crawler/render/browser.py.
    "args": list(CHROMIUM_QUIET_ARGS),
}
# Pages open at once in one browser context, and pages a context serves before it is replaced.
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
RENDER_CONTEXT_PAGES = 50
# Milliseconds a page may take to load (PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT), and seconds a
# whole render (load, waits, clicks, scrolls) may take before its page is closed.
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 20000
RENDER_PAGE_TIMEOUT = 60
# The load state navigation waits for: load, domcontentloaded, networkidle or commit.
RENDER_WAIT_UNTIL = "load"
# After the page methods: wait until the DOM has been quiet this many ms, at most the timeout.
RENDER_SETTLE_MS = 250
RENDER_SETTLE_TIMEOUT_MS = 3000
# Options of every browser context; accept_downloads is always False (no file from a page).
RENDER_CONTEXT_OPTIONS = {"accept_downloads": False, "service_workers": "block"}
# What a rendered page may not fetch (None in PLAYWRIGHT_ABORT_REQUEST blocks nothing).
PLAYWRIGHT_ABORT_REQUEST = "crawler.render.blocking.should_abort"
RENDER_BLOCK_RESOURCE_TYPES = ["image", "media", "font"]
RENDER_BLOCK_HOSTS: list[str] = []  # empty: crawler.render.blocking.DEFAULT_HOSTS

# -- Faults: database outages, crashes, hostile pages -----------------------------------------
# Every item the store pipeline accepts is journaled on disk (<data dir>/spill/journal) before
# it is buffered, so a killed crawler loses nothing; the next run replays the journal.
STORE_JOURNAL = True
# While the database is away, batches go straight to the spill; every STORE_RETRY_INTERVAL
# seconds a ping bounded by STORE_PROBE_TIMEOUT asks whether it is back (then the spill is
# replayed in the same run).
STORE_RETRY_INTERVAL = 2.0
STORE_PROBE_TIMEOUT = 1.0
# The data directory must be writable with this much free before the first request; when the
# disk refuses the journal mid-crawl the crawl stops, and items held in memory get
# STORE_CLOSE_WAIT seconds for an absent database before they are counted lost (store/lost).
STORE_MIN_FREE_MB = 50
STORE_CLOSE_WAIT = 30.0
# Longest stored text per field; a longer value is cut and the cut noted on the page's problems.
CRAWLER_MAX_HEADLINE_CHARS = 1000
CRAWLER_MAX_SUMMARY_CHARS = 10_000
CRAWLER_MAX_BODY_CHARS = 2_000_000
# Pause/resume: true puts JOBDIR under <data dir>/jobs/<spider> (an explicit -s JOBDIR=... wins).
# A crawl stopped with Ctrl-C or SIGTERM resumes on the next run; after a kill the saved queue
# is discarded and the crawl restarts from its start URLs (crawler.extensions.jobstate).
CRAWLER_RESUMABLE = False
# The requests waiting to be fetched are kept on disk, in a folder of their own under
# <data dir>/frontier removed when the crawl closes, so memory does not grow with the site's size
# (crawler/frontier/scheduler.py). False keeps them in memory, as Scrapy does without JOBDIR.
CRAWLER_FRONTIER_ON_DISK = True
# Scrapy's LIFO disk queue (the same files), naming callbacks without scanning the spider.
SCHEDULER_DISK_QUEUE = "crawler.frontier.queues.PickleLifoDiskQueue"
# Scrapy's in-memory stats without the per-attribute deprecation shim (crawler.extensions.stats).
STATS_CLASS = "crawler.extensions.stats.StatsCollector"
# Hops before a redirect chain is given up; loops back to a visited URL stop at once.
REDIRECT_MAX_TIMES = 10

# -- Discovery and deduplication: feeds, sitemaps, near-duplicates, incremental ----------------
# Incremental crawling (crawler/middlewares/incremental.py): state per URL in the fetch_state collection.
# False fetches everything and keeps no state.
CRAWLER_INCREMENTAL = True
# Article pages fetched more recently than this are skipped (seconds, or "30m", "6h", "2d"); a
# profile's freshness_window wins. Empty = no window: every article page is fetched (with
# If-None-Match / If-Modified-Since when the server gave an ETag / Last-Modified).
CRAWLER_FRESHNESS_WINDOW = ""
# Listing pages, feeds and sitemaps: re-fetched no sooner than MIN; with a MAX they are fetched
# adaptively (interval halves after a change, doubles after none). Empty = every run. A
# profile's listing_refetch {min, max} wins.
CRAWLER_LISTING_MIN_INTERVAL = ""
CRAWLER_LISTING_MAX_INTERVAL = ""
# A page that failed (5xx, 429, 408, timeout) is fetched again next run; after the second failure
# in a row it waits this long, doubled per further failure, up to the maximum.
CRAWLER_FAILED_BACKOFF = "1h"
CRAWLER_FAILED_BACKOFF_MAX = "1d"
# fetch_state writes are batched this many URLs at a time.
CRAWLER_INCREMENTAL_BATCH = 100
# Near-duplicate clustering (crawler/dedup/): estimated Jaccard similarity of 3-word shingles
# at or above which two bodies are one story's copies; index size (oldest evicted first); how
# many recent stories rebuild the index from the database at a run's start (0 = start empty).
# Like STORE_STATE_CACHE, sized to fill early so a long crawl's memory stays flat; raise both
# on a machine with memory to spare for a longer near-duplicate window.
CRAWLER_NEARDUP_THRESHOLD = 0.5
CRAWLER_NEARDUP_MAX_ITEMS = 5_000  # about 1.5 kB each with the shingles held this run
CRAWLER_DEDUP_REBUILD_LIMIT = 5_000

# -- Distributed mode (scrapy-redis; crawler/distributed/) --------------------------------
# Set REDIS_URL (env REDIS_URL or CRAWLER_REDIS_URL, or -s REDIS_URL=redis://host:6379/0) and
# every worker shares one request queue and duplicate filter in Redis. Unset: single process.
REDIS_URL = None
# Redis key prefix of one crawl; %(spider)s is the spider's name.
CRAWLER_REDIS_PREFIX = "newscrawler:%(spider)s"
# Seconds a worker's heartbeat lives; a worker silent longer has its requests re-queued.
CRAWLER_REDIS_WORKER_TTL = 15
# Seconds between looks at the shared queue while this worker is idle and others are busy.
CRAWLER_REDIS_IDLE_POLL = 1.0
# Close an idle worker after this many seconds even if others are still busy (0 = never).
CRAWLER_REDIS_MAX_IDLE = 0
# Serialise database writes across workers (needed on FerretDB; false on real MongoDB).
CRAWLER_REDIS_WRITE_LOCK = True
