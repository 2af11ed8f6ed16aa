"""The bundled sample aggregator: what `crawler demo` serves and the tests reuse."""

from crawler.demo_site.server import FixtureServer
from crawler.demo_site.site import DemoSite, ExpectedPage

__all__ = ["DemoSite", "ExpectedPage", "FixtureServer"]
