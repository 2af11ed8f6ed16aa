"""The sample site as a whole: its pages by path and what a correct crawl must find on them."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.demo_site import pages
from crawler.demo_site.content import Story, build_stories


@dataclass(frozen=True)
class ExpectedPage:
    path: str
    lead: str | None  # story slug
    related: tuple[str, ...]  # story slugs in page order


class DemoSite:
    """Every page rendered once, in memory; `render(path)` serves them."""

    def __init__(self, count: int = 48, hidden: int = 6):
        self.stories = build_stories(count, hidden)
        self.by_slug = {s.slug: s for s in self.stories}
        listed = [s for s in self.stories if s.in_listing]
        chunks = [listed[i : i + pages.PER_LISTING] for i in range(0, len(listed), pages.PER_LISTING)]
        self.listing_paths = ["/" if n == 1 else f"/page/{n}.html" for n in range(1, len(chunks) + 1)]
        self.expected: dict[str, ExpectedPage] = {}
        self._html: dict[str, bytes] = {}
        for n, (path, chunk) in enumerate(zip(self.listing_paths, chunks, strict=True), start=1):
            self._html[path] = pages.listing_page(n, len(chunks), chunk).encode()
            self.expected[path] = ExpectedPage(path, None, tuple(s.slug for s in chunk))
        for story in self.stories:
            self._html[story.path] = pages.article_page(story, self.by_slug).encode()
            self.expected[story.path] = ExpectedPage(story.path, story.slug, tuple(story.related))
        self._html["/about.html"] = pages.about_page().encode()

    def render(self, path: str) -> bytes | None:
        return self._html.get(path.split("?", 1)[0].split("#", 1)[0])

    @property
    def article_paths(self) -> list[str]:
        return [s.path for s in self.stories]

    def story_for_path(self, path: str) -> Story | None:
        for story in self.stories:
            if story.path == path:
                return story
        return None
