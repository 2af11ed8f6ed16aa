"""The crawler's own Scrapy signals, in a leaf module so that the components which send them and
the ones which receive them never import each other.

Used like Scrapy's own: ``crawler.signals.connect(handler, signal=store_flushed)``.
"""

from __future__ import annotations

# Sent once when the crawl's Store is built (crawler.storage.for_crawler), with `store`: a
# component that must configure every write (distributed mode's shared write lock) does it here.
store_opened = object()

# Sent after each batch is written or spilled, with `pages` = the batch's PageSnapshots:
# distributed mode releases those pages' leases only once their items are safe.
store_flushed = object()

# Sent by a spider with (url, links, children): the story links a listing, feed or sitemap led
# to, and the sitemaps a sitemap index lists.
links_found = object()
