"""Loggers that drop a message before building it when no handler would take it.

Scrapy filters by LOG_LEVEL in its root handler, not in the loggers: the root logger is left at
NOTSET and the `scrapy` logger at DEBUG, so every "Crawled (200)" and "Scraped from" line is
built as a LogRecord (and its arguments formatted for the record) and then thrown away at
LOG_LEVEL=INFO. Raising the loggers' own levels to the lowest level any handler takes skips that
work and changes nothing anyone sees: LOG_LEVEL=DEBUG, a test's capturing handler at level 0 or
a handler with no level keep every record coming.
"""

from __future__ import annotations

import logging

# Loggers Scrapy's logging set-up gives their own level (DEBUG), which the root logger's level
# would not override.
_SCRAPY_LOGGERS = ("scrapy",)


def lowest_handled_level(root: logging.Logger | None = None) -> int:
    """The lowest level a handler on the root logger or Scrapy's logger accepts (NOTSET = 0
    when a handler takes everything, or when there is no handler and Python's last-resort
    handler decides). `root`: another logger hierarchy's root than the process's."""
    root = root or logging.root
    handlers = list(root.handlers)
    for name in _SCRAPY_LOGGERS:
        handlers += root.manager.getLogger(name).handlers
    if not handlers:
        return logging.NOTSET
    return min(h.level for h in handlers)


def match_handlers(root: logging.Logger | None = None) -> int:
    """Set the root and Scrapy loggers' levels to the lowest level their handlers take, so a
    record no handler would emit is never made. Call it after Scrapy installed its root handler
    (for a crawl: once the crawler exists). Returns that level; at DEBUG or below (some handler
    takes everything) the loggers are left as they are."""
    root = root or logging.root
    level = lowest_handled_level(root)
    if level <= logging.DEBUG:
        return level
    root.setLevel(level)
    for name in _SCRAPY_LOGGERS:
        scrapy_logger = root.manager.getLogger(name)
        if scrapy_logger.level < level:
            scrapy_logger.setLevel(level)
    return level
