"""Loggers raised to the lowest level their handlers take: a message below it is never built,
one at or above it is emitted as before."""

from __future__ import annotations

import logging

import pytest

from crawler import log_levels


class Collect(logging.Handler):
    def __init__(self, level):
        super().__init__(level)
        self.seen: list[str] = []

    def emit(self, record):
        self.seen.append(record.getMessage())


@pytest.fixture
def hierarchy():
    """A logger hierarchy of the test's own (pytest's log capture sits on the process's root),
    set up as Scrapy's logging set-up leaves it: root at NOTSET, `scrapy` at DEBUG. Yields its
    root and the list of records made under it (counted by the record factory: a record never
    made is not counted)."""
    root = logging.RootLogger(logging.NOTSET)
    manager = logging.Manager(root)
    root.manager = manager
    manager.getLogger("scrapy").setLevel(logging.DEBUG)
    made: list[logging.LogRecord] = []
    factory = logging.getLogRecordFactory()

    def counting_factory(*args, **kwargs):
        record = factory(*args, **kwargs)
        if record.name.startswith("test."):
            made.append(record)
        return record

    logging.setLogRecordFactory(counting_factory)
    try:
        yield root, made
    finally:
        logging.setLogRecordFactory(factory)


def _log_both(root, made):
    """A debug line from Scrapy's engine, an info line, a project debug line: the messages of
    the records made."""
    made.clear()
    for name, level, message in (("scrapy.core.engine", logging.DEBUG, "Crawled (200) <GET /x>"),
                                 ("scrapy.core.engine", logging.INFO, "Spider opened"),
                                 ("crawler.something", logging.DEBUG, "a project line")):
        logger = root.manager.getLogger(name)
        if logger.isEnabledFor(level):  # what Logger.log does before it makes a record
            logger.handle(logger.makeRecord(f"test.{name}", level, __file__, 0, message, (), None))
    return [r.getMessage() for r in made]


def test_debug_message_not_built_at_info(hierarchy):
    root, made = hierarchy
    handler = Collect(logging.INFO)
    root.addHandler(handler)
    assert "Crawled (200) <GET /x>" in _log_both(root, made)  # Scrapy's own set-up builds it

    assert log_levels.match_handlers(root) == logging.INFO
    assert _log_both(root, made) == ["Spider opened"]
    assert handler.seen == ["Spider opened", "Spider opened"]  # what is emitted is unchanged


def test_debug_message_built_and_emitted_at_debug(hierarchy):
    root, made = hierarchy
    handler = Collect(logging.DEBUG)
    root.addHandler(handler)
    assert log_levels.match_handlers(root) == logging.DEBUG
    assert _log_both(root, made) == ["Crawled (200) <GET /x>", "Spider opened", "a project line"]
    assert handler.seen == ["Crawled (200) <GET /x>", "Spider opened", "a project line"]


def test_the_most_willing_handler_decides(hierarchy):
    """With several handlers the lowest level wins; one that takes everything (a test's log
    capture, a NullHandler) keeps every record coming."""
    root, made = hierarchy
    root.addHandler(Collect(logging.ERROR))
    root.manager.getLogger("scrapy").addHandler(Collect(logging.WARNING))
    assert log_levels.match_handlers(root) == logging.WARNING
    assert not root.manager.getLogger("scrapy.core.scraper").isEnabledFor(logging.INFO)
    assert root.manager.getLogger("scrapy.core.scraper").isEnabledFor(logging.WARNING)

    fresh = logging.RootLogger(logging.NOTSET)
    fresh.manager = logging.Manager(fresh)
    fresh.manager.getLogger("scrapy").setLevel(logging.DEBUG)
    fresh.addHandler(Collect(logging.INFO))
    fresh.addHandler(logging.NullHandler())
    assert log_levels.match_handlers(fresh) == logging.NOTSET
    assert "Crawled (200) <GET /x>" in _log_both(fresh, made)
