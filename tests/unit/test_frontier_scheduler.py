"""The scheduler that keeps pending requests on disk without JOBDIR: requests go to its private
folder and come back as they went in, the folder goes at close, a failing disk sends requests
to memory instead of losing them, and the add-on gives way to the user's and the distributed
scheduler."""

from __future__ import annotations

import errno
import os

import pytest
from scrapy import Request
from scrapy.squeues import PickleLifoDiskQueue
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from crawler.distributed import DistributedMode
from crawler.frontier.addon import DiskFrontier
from crawler.frontier.scheduler import DiskFrontierScheduler
from spiders.daily8 import Daily8Spider


class FullDiskQueue(PickleLifoDiskQueue):
    """A disk queue on a disk that fills after two requests."""

    pushed = 0

    def push(self, obj):
        if FullDiskQueue.pushed >= 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        FullDiskQueue.pushed += 1
        super().push(obj)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CRAWLER_DATA_DIR", str(tmp_path))
    return tmp_path


def _scheduler(settings: dict | None = None):
    # Scrapy's default priority queue asks the engine's downloader for slots: the crawls in
    # tests/integration/test_frontier_on_disk.py use it; here the plain one needs no engine.
    crawler = get_crawler(Daily8Spider, {
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue", **(settings or {})})
    spider = Daily8Spider.from_crawler(crawler, start_url="http://127.0.0.1:9/")
    crawler.spider = spider
    scheduler = DiskFrontierScheduler.from_crawler(crawler)
    scheduler.open(spider)
    return scheduler, spider, crawler.stats


def _drain(scheduler) -> list[Request]:
    out = []
    while (request := scheduler.next_request()) is not None:
        out.append(request)
    return out


def _urls(n: int) -> list[str]:
    return [f"http://127.0.0.1:9/story/{i}.html" for i in range(n)]


def test_pending_requests_wait_on_disk_and_the_folder_goes_at_close(data_dir):
    scheduler, spider, stats = _scheduler()
    folder = data_dir / "frontier"
    try:
        (spool,) = folder.iterdir()
        for url in _urls(5):
            assert scheduler.enqueue_request(Request(url, callback=spider.parse_page,
                                                     meta={"depth": 3}))
        assert len(scheduler) == len(scheduler.dqs) == 5 and len(scheduler.mqs) == 0
        assert [p for p in spool.rglob("*") if p.is_file() and p.name != "owner.lock"]
        got = _drain(scheduler)
    finally:
        scheduler.close("finished")
    assert sorted(r.url for r in got) == _urls(5)
    assert all(r.callback == spider.parse_page and r.meta["depth"] == 3 for r in got)
    assert stats.get_value("scheduler/enqueued/disk") == 5
    assert not stats.get_value("scheduler/enqueued/memory")
    assert list(folder.iterdir()) == []


def test_same_order_as_scrapys_memory_queue(data_dir):
    """Priorities first, then last in first out (Scrapy's default queues, memory and disk)."""
    requests = [Request(url, priority=p, dont_filter=True)
                for url, p in zip(_urls(6), (0, 5, 0, 5, -1, 0), strict=True)]
    on_disk, _, _ = _scheduler()
    in_memory, _, _ = _scheduler({"CRAWLER_FRONTIER_ON_DISK": False})
    try:
        for request in requests:
            on_disk.enqueue_request(request.copy())
            in_memory.enqueue_request(request.copy())
        assert [r.url for r in _drain(on_disk)] == [r.url for r in _drain(in_memory)]
    finally:
        on_disk.close("finished")
        in_memory.close("finished")


def test_off_or_with_jobdir_it_is_scrapys_scheduler(data_dir):
    scheduler, _, stats = _scheduler({"CRAWLER_FRONTIER_ON_DISK": False})
    try:
        scheduler.enqueue_request(Request(_urls(1)[0]))
        assert stats.get_value("scheduler/enqueued/memory") == 1
        assert not (data_dir / "frontier").exists()
    finally:
        scheduler.close("finished")
    jobdir = data_dir / "job"
    scheduler, _, stats = _scheduler({"JOBDIR": str(jobdir)})
    scheduler.enqueue_request(Request(_urls(1)[0]))
    scheduler.close("shutdown")
    assert stats.get_value("scheduler/enqueued/disk") == 1
    assert (jobdir / "requests.queue" / "active.json").exists()  # kept to resume
    assert not (data_dir / "frontier").exists()


def test_a_full_disk_sends_requests_to_memory_and_loses_none(data_dir, caplog):
    FullDiskQueue.pushed = 0
    scheduler, _, stats = _scheduler(
        {"SCHEDULER_DISK_QUEUE": f"{__name__}.FullDiskQueue"})
    try:
        for url in _urls(6):
            assert scheduler.enqueue_request(Request(url))
        got = _drain(scheduler)
    finally:
        scheduler.close("finished")
    assert sorted(r.url for r in got) == _urls(6)
    assert stats.get_value("scheduler/enqueued/disk") == 2
    assert stats.get_value("scheduler/enqueued/memory") == 4
    assert stats.get_value("scheduler/disk_failed") == 1
    assert "No space left on device" in caplog.text
    assert FullDiskQueue.pushed == 2  # not tried again after the failure


def _scheduler_setting(extra: dict) -> str:
    """SCHEDULER after the project's add-ons, in ADDONS order, as Scrapy's manager applies them."""
    settings = get_project_settings()
    settings.setdict(extra, priority="cmdline")
    addons = settings.getdict("ADDONS")
    assert addons["crawler.frontier.addon.DiskFrontier"] < addons[
        "crawler.distributed.addon.DistributedMode"]
    DiskFrontier.update_settings(settings)
    DistributedMode().update_settings(settings)
    return settings["SCHEDULER"]


def test_the_add_on_gives_way_to_the_users_and_the_distributed_scheduler(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert _scheduler_setting({}) == "crawler.frontier.scheduler.DiskFrontierScheduler"
    assert _scheduler_setting({"SCHEDULER": "scrapy.core.scheduler.Scheduler"}) == (
        "scrapy.core.scheduler.Scheduler")
    assert _scheduler_setting({"REDIS_URL": "redis://127.0.0.1:9"}) == (
        "crawler.distributed.scheduler.DistributedScheduler")


def test_no_folder_for_the_frontier_leaves_it_in_memory(tmp_path, monkeypatch, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("CRAWLER_DATA_DIR", str(blocked / "data"))
    scheduler, _, stats = _scheduler()
    try:
        assert scheduler.enqueue_request(Request(_urls(1)[0]))
        assert [r.url for r in _drain(scheduler)] == _urls(1)
    finally:
        scheduler.close("finished")
    assert stats.get_value("scheduler/enqueued/memory") == 1
    assert "pending requests wait in memory: no frontier folder" in caplog.text


def test_the_stored_request_is_the_dict_scrapy_stores():
    """crawler.frontier.queues writes what Scrapy's own queue would, for every kind of
    request, so JOBDIRs stay readable by either; a callback that is no spider method is
    refused as Scrapy refuses it (the request then waits in memory)."""
    from scrapy import FormRequest

    from crawler.frontier.queues import request_dict

    crawler = get_crawler(Daily8Spider, {})
    spider = Daily8Spider.from_crawler(crawler, start_url="http://127.0.0.1:9/")
    names: dict = {}
    requests = [
        Request("http://127.0.0.1:9/a", callback=spider.parse_page, errback=spider.page_failed,
                meta={"crawl_kind": "page", "depth": 2}, priority=3, flags=["x"]),
        Request("http://127.0.0.1:9/b", callback=spider.parse_page, cb_kwargs={"n": 1},
                headers={"Referer": "http://127.0.0.1:9/"}, dont_filter=True),
        Request("http://127.0.0.1:9/c"),
        Request("http://127.0.0.1:9/d", callback=spider.parse_page, errback=spider.page_failed),
        FormRequest("http://127.0.0.1:9/e", formdata={"q": "x"}, callback=spider.parse_page),
    ]
    for request in requests * 2:  # the second time from the names remembered
        assert request_dict(request, spider, names) == request.to_dict(spider=spider)
    assert set(names.values()) == {"parse_page", "page_failed"}
    with pytest.raises(ValueError):
        request_dict(Request("http://127.0.0.1:9/f", callback=lambda r: None), spider, names)
    other = Daily8Spider.from_crawler(get_crawler(Daily8Spider, {}), start_url="http://127.0.0.1:9/")
    foreign = Request("http://127.0.0.1:9/g", callback=other.parse_page)
    assert request_dict(foreign, spider, names) == foreign.to_dict(spider=spider)


def test_a_frontier_file_that_cannot_be_read_back_is_counted_lost_and_the_rest_goes_on(
    data_dir, caplog
):
    scheduler, spider, stats = _scheduler({
        "SCHEDULER_DISK_QUEUE": get_project_settings()["SCHEDULER_DISK_QUEUE"]})
    try:
        for url in _urls(5):
            assert scheduler.enqueue_request(Request(url))
        # A callback that is no spider method cannot be written: it waits in memory.
        assert scheduler.enqueue_request(Request(_urls(6)[5], callback=lambda r: None))
        (queue,) = scheduler.dqs.queues.values()
        os.close(queue.f.fileno())  # the file under the queue goes bad (EBADF, like EIO)
        got = _drain(scheduler)
        assert [r.url for r in got] == [_urls(6)[5]]
        assert len(scheduler) == 0 and not scheduler.has_pending_requests()
    finally:
        scheduler.close("finished")
    assert stats.get_value("scheduler/disk_lost") == 5
    assert "5 pending requests there are lost" in caplog.text
    assert list((data_dir / "frontier").iterdir()) == []


def test_either_queue_reads_the_file_the_other_wrote(tmp_path):
    """A JOBDIR written by Scrapy's queue resumes with the project's, and back: same file
    layout, same order, peek included."""
    from crawler.frontier.queues import PickleLifoDiskQueue as OurQueue

    crawler = get_crawler(Daily8Spider, {})
    crawler.spider = Daily8Spider.from_crawler(crawler, start_url="http://127.0.0.1:9/")
    urls = _urls(5)
    for writer, reader in ((PickleLifoDiskQueue, OurQueue), (OurQueue, PickleLifoDiskQueue),
                           (OurQueue, OurQueue)):
        path = tmp_path / f"{writer.__module__}-{reader.__module__}-{len(list(tmp_path.iterdir()))}"
        queue = writer(crawler, str(path))
        for url in urls[:3]:
            queue.push(Request(url, callback=crawler.spider.parse_page))
        assert queue.pop().url == urls[2]
        queue.close()
        queue = reader(crawler, str(path))
        queue.push(Request(urls[3], callback=crawler.spider.parse_page))
        assert queue.peek().url == urls[3] and len(queue) == 3
        got = [queue.pop() for _ in range(3)]
        assert [r.url for r in got] == [urls[3], urls[1], urls[0]]
        assert all(r.callback == crawler.spider.parse_page for r in got)
        assert queue.pop() is None and queue.peek() is None
        queue.close()
        assert not path.exists()  # an empty queue removes its file, as queuelib's does
