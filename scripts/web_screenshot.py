"""Regenerate the README's screenshot of `crawler web` (make docs-screenshot).

Crawls the bundled demo site three times into a scratch embedded database (so the run charts
have points), starts `crawler web` on it and saves the Runs page as drawn by headless Chromium.
Nothing outside 127.0.0.1 is touched; the scratch database is removed afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.demo_site import DemoSite, FixtureServer  # noqa: E402
from crawler.storage import embedded_db  # noqa: E402
from crawler.web.process import WebServer  # noqa: E402

CHROMIUM = os.environ.get("CRAWLER_CHROMIUM") or "/usr/bin/chromium"


def main(out: Path) -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="web-shot-") as tmp:
        uri = embedded_db.up(Path(tmp) / "db").uri
        try:
            env = dict(os.environ, MONGO_URI=uri, MONGO_DB="news", CRAWLER_DATA_DIR=tmp,
                       CRAWLER_SCHEDULES=str(ROOT / "schedules.example.yaml"))
            env.pop("CRAWLER_WEB_TOKEN", None)
            with FixtureServer(DemoSite().render) as site:
                for _ in range(3):
                    subprocess.run([sys.executable, "-m", "crawler.cli", "crawl", "daily8",
                                    "-a", f"start_url={site.url('/')}", "-s", "LOG_LEVEL=WARNING"],
                                   env=env, cwd=ROOT, check=True)
            with WebServer(env) as web, sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM)
                page = browser.new_page(viewport={"width": 1200, "height": 800})
                page.goto(web.url("/"))
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out), full_page=True)
                browser.close()
        finally:
            embedded_db.down(Path(tmp) / "db")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "web-runs.png")))
