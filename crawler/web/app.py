"""The application: routes, and what each page reads. Every route answers GET (and HEAD) only;
there is no route that writes, and the reads are in crawler.web.queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from crawler.redact import mask_setting, mask_settings
from crawler.web import charts, fmt, logtail, metrics, queries, schedules
from crawler.web.access import AccessMiddleware
from crawler.web.storyindex import Query, StoryIndex

HERE = Path(__file__).resolve().parent
PAGE_SIZE = 50
RUNS_LISTED = 50
PUBLISHERS_LISTED = 300
CHART_DAYS = 7


@dataclass
class WebConfig:
    db: object  # a pymongo Database
    index: StoryIndex
    data_dir: Path
    schedules_file: Path | None = None
    token: str | None = None
    redis_url: str | None = None
    redis_prefix: str = "newscrawler:%(spider)s"


def safe_href(url) -> str | None:
    """Only http(s) addresses become links: a stored `javascript:` URL stays text."""
    if not isinstance(url, str):
        return None
    return url if urlsplit(url).scheme.lower() in ("http", "https") else None


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters.update(utc=fmt.utc, age=fmt.age, duration=fmt.duration, minutes=fmt.minutes,
                       share=fmt.share, href=safe_href)
    env.globals.update(run_duration=fmt.run_duration, failures=fmt.failures,
                       pages_per_minute=fmt.pages_per_minute)
    return Jinja2Templates(env=env)


def create_app(cfg: WebConfig) -> Starlette:
    templates = _templates()
    collector = metrics.CrawlerCollector(cfg.db, cfg.index, cfg.redis_url, cfg.redis_prefix)

    def page(request: Request, name: str, status_code: int = 200, **context) -> Response:
        snap = cfg.index.snapshot
        context.update(request=request, now=datetime.now(UTC), snapshot=snap,
                       index_error=cfg.index.error, section=name.split(".")[0])
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    def runs_page(request: Request) -> Response:
        spider = request.query_params.get("spider") or None
        status = request.query_params.get("status") or None
        query = {k: v for k, v in (("spider", spider), ("status", status)) if v}
        runs = queries.recent_runs(cfg.db, RUNS_LISTED, query)
        since = datetime.now(UTC) - timedelta(days=CHART_DAYS)
        charted = [r for r in queries.runs_since(cfg.db, since)
                   if all(r.get(k) == v for k, v in query.items())]
        rate_points, stored_points = [], []
        for r in charted:
            started = r.get("started_at")
            if not isinstance(started, datetime):
                continue
            href = f"/runs/{r['_id']}"
            label = f"{r.get('spider')} {fmt.utc(started)}"
            ppm = fmt.pages_per_minute(r)
            if ppm is not None:
                rate_points.append(charts.Point(started.timestamp(), ppm,
                                                f"{label}: {ppm:.1f} pages/min", href))
            c = r.get("counts") or {}
            n = int(c.get("new") or 0) + int(c.get("updated") or 0)
            stored_points.append(charts.Point(started.timestamp(), n,
                                              f"{label}: {n} stories stored "
                                              f"({c.get('new') or 0} new, "
                                              f"{c.get('updated') or 0} updated)", href))
        now = datetime.now(UTC)
        span = (fmt.utc(since), fmt.utc(now))
        return page(request, "runs.html", runs=runs, spider=spider, status=status,
                    rate_chart=charts.line_chart("Pages per minute, per run", rate_points, span,
                                                 x_range=(since.timestamp(), now.timestamp())),
                    stored_chart=charts.bar_chart(
                        "Stories stored per run", stored_points,
                        (fmt.utc(charted[0].get("started_at")), fmt.utc(charted[-1].get("started_at")))
                        if charted else span),
                    charted=len(charted), chart_days=CHART_DAYS)

    def run_page(request: Request) -> Response:
        run = queries.get_run(cfg.db, request.path_params["run_id"])
        if run is None:
            raise HTTPException(404, "no such run")
        source, lines = logtail.run_log(run, cfg.data_dir)
        return page(request, "run.html", run=run,
                    settings=mask_settings(run.get("settings")),
                    args=mask_settings(run.get("args")),
                    error=mask_setting("error", run["error"]) if run.get("error") else None,
                    log_source=source, log_lines=lines)

    def sources_page(request: Request) -> Response:
        snap = cfg.index.snapshot
        runs = queries.all_runs_summary(cfg.db)
        spiders: dict[str, dict] = {}
        day_ago = datetime.now(UTC) - timedelta(hours=24)
        for r in runs:
            s = spiders.setdefault(str(r.get("spider") or "unknown"),
                                   {"last_ok": None, "last_run": None, "runs_24h": 0})
            started, ended = r.get("started_at"), r.get("finished_at")
            if isinstance(started, datetime):
                if s["last_run"] is None or started > s["last_run"]["started_at"]:
                    s["last_run"] = r
                if started >= day_ago:
                    s["runs_24h"] += 1
            if r.get("status") == "ok" and isinstance(ended, datetime) and (
                    s["last_ok"] is None or ended > s["last_ok"]):
                s["last_ok"] = ended
        profiles = {p.name: p for p in (snap.profiles if snap else [])}
        names = sorted(set(spiders) | set(profiles))
        days = _day_labels()
        rows = [{"name": n, "spider": spiders.get(n), "stats": profiles.get(n),
                 "chart": charts.sparkline(f"{n}: stories first seen per day",
                                           profiles[n].per_day,
                                           [f"{d}: {v}" for d, v in zip(days, profiles[n].per_day,
                                                                         strict=True)])
                 if n in profiles else None} for n in names]
        publishers = (snap.publishers if snap else [])[:PUBLISHERS_LISTED]
        pub_rows = [{"stats": p, "chart": charts.sparkline(
            f"{p.name}: stories first seen per day", p.per_day,
            [f"{d}: {v}" for d, v in zip(days, p.per_day, strict=True)])} for p in publishers]
        return page(request, "sources.html", rows=rows, publishers=pub_rows,
                    publishers_total=len(snap.publishers) if snap else 0)

    def stories_page(request: Request) -> Response:
        p = request.query_params
        form = {k: p.get(k, "") for k in ("q", "source", "from", "to")}
        try:
            query = Query.parse(form["q"], form["source"], form["from"], form["to"])
            problem = None
        except ValueError as exc:
            query, problem = Query(), str(exc)
        try:
            pg = max(1, int(p.get("page") or 1))
        except ValueError:
            pg = 1
        snap = cfg.index.snapshot
        total, hits = (snap.search(query, (pg - 1) * PAGE_SIZE, PAGE_SIZE) if snap and not problem
                       else (0, []))
        keep = {k: v for k, v in form.items() if v}
        nav = {
            "prev": f"?{urlencode({**keep, 'page': pg - 1})}" if pg > 1 else None,
            "next": f"?{urlencode({**keep, 'page': pg + 1})}" if pg * PAGE_SIZE < total else None,
        }
        sources = sorted(p.name for p in snap.publishers) if snap else []
        return page(request, "stories.html", form=form, problem=problem, total=total,
                    hits=hits, page_no=pg, pages=max(1, -(-total // PAGE_SIZE)), nav=nav,
                    sources=sources, status_code=400 if problem else 200)

    def story_page(request: Request) -> Response:
        story_id = request.path_params["story_id"]
        article = queries.get_article(cfg.db, story_id)
        if article is None:
            raise HTTPException(404, "no such story")
        sightings = queries.story_sightings(cfg.db, article)
        points = []
        for s in sightings:
            seen = s.get("seen_at")
            if isinstance(seen, datetime):
                pos = s.get("position") if isinstance(s.get("position"), int) else 0
                points.append(charts.Point(seen.timestamp(), pos,
                                           f"{fmt.utc(seen)}: {s.get('role')} #{pos} on "
                                           f"{s.get('page_url')}", kind=str(s.get("role") or "")))
        xs = [p.x for p in points]
        span = ((fmt.utc(datetime.fromtimestamp(min(xs), UTC)),
                 fmt.utc(datetime.fromtimestamp(max(xs), UTC))) if xs else ("", ""))
        snap = cfg.index.snapshot
        cluster_ids = snap.cluster_of(story_id) if snap else []
        copies = sorted(queries.get_articles(cfg.db, cluster_ids),
                        key=lambda d: (str(d.get("source") or ""), d["_id"]))
        return page(request, "story.html", a=article, sightings=sightings, copies=copies,
                    chart=charts.line_chart("Sightings over time (position on the page; 0 = lead)",
                                            points, span, join=False))

    def schedules_page(request: Request) -> Response:
        return page(request, "schedules.html", view=schedules.view(cfg.schedules_file))

    def metrics_route(request: Request) -> Response:
        # optional/heavy, loaded on the request that needs it (start-up cost)
        from prometheus_client import CONTENT_TYPE_LATEST

        return Response(metrics.exposition(collector), media_type=CONTENT_TYPE_LATEST)

    def healthz(request: Request) -> Response:
        snap = cfg.index.snapshot
        return PlainTextResponse(f"ok, {len(snap.stories) if snap else 0} stories indexed\n")

    async def not_found(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/static/") or request.url.path == "/metrics":
            return PlainTextResponse(f"{exc.status_code} {exc.detail}\n",
                                     status_code=exc.status_code)
        return page(request, "error.html", status_code=exc.status_code, code=exc.status_code,
                    detail=exc.detail)

    routes = [
        Route("/", runs_page, methods=["GET"]),
        Route("/runs/{run_id}", run_page, methods=["GET"]),
        Route("/sources", sources_page, methods=["GET"]),
        Route("/stories", stories_page, methods=["GET"]),
        Route("/stories/{story_id}", story_page, methods=["GET"]),
        Route("/schedules", schedules_page, methods=["GET"]),
        Route("/metrics", metrics_route, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: not_found})
    app.add_middleware(AccessMiddleware, token=cfg.token)
    return app


def _day_labels() -> list[str]:
    # optional/heavy, loaded on the request that needs it (start-up cost)
    from crawler.web.storyindex import DAYS_CHARTED

    today = datetime.now(UTC).date()
    return [(today - timedelta(days=DAYS_CHARTED - 1 - i)).isoformat() for i in range(DAYS_CHARTED)]
