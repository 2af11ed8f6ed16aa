"""The render fixture site (tests/fixtures/render) as routes for SampleServer, shared by the
render crawl and render extract tests."""

from __future__ import annotations

from crawler.render.sample_site import Route, routes_from_dir
from tests.support.crawl import FIXTURES

RENDER_FIXTURES = FIXTURES / "render"


def fixture_routes() -> dict[str, Route]:
    routes = routes_from_dir(RENDER_FIXTURES)
    routes["/never.js"] = Route(content_type="text/javascript", hang=True)
    routes["/report.pdf"] = Route(b"%PDF-1.4 invented report\n", "application/pdf",
                                  {"Content-Disposition": 'attachment; filename="report.pdf"'})
    return routes
