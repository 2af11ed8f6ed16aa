"""Rendering pages that need JavaScript, in headless Chromium through scrapy-playwright.

Only pages that need it are rendered: the spider extracts the static fetch first and asks
`policy.decide` whether a browser would add anything. The pieces, one job each:

- browser.py      where Chromium is, the flags that keep it headless and off the network
- policy.py       render or not: a pure function of (profile, static extraction, static HTML)
- blocking.py     which browser sub-requests are aborted (images, media, fonts, ad/analytics hosts)
- page_actions.py profile waits, bounded "Load more" clicks and scrolls, a DOM-settle wait
- requests.py     the render request's meta (page methods, context options): spider and CLI share it
- contexts.py     recycling browser contexts after a set number of pages
- handler.py      scrapy-playwright's download handler, launched lazily, with a hard page bound
- memory.py       Scrapy's memory extension, counting the browser's processes too
- hook.py         the spider side: ask the policy, re-request rendered, fall back, count stats
- oneshot.py      `crawler extract --render`: render a few URLs with the same machinery
- sample_site.py  a small 127.0.0.1 server for pages that need a browser (tests, benchmark)
"""
