"""Dependency hygiene: every runtime dependency in pyproject.toml is imported by the code that
ships (crawler/, spiders/, pipelines/), and nothing that only tests or benchmarks use is one."""

from __future__ import annotations

import ast
import re
import tomllib

from tests.support.crawl import ROOT

# Distribution name -> the module it is imported as, where they differ.
IMPORT_NAMES = {"scrapy-playwright": "scrapy_playwright", "scrapy-redis": "scrapy_redis",
                "pyyaml": "yaml"}
SHIPPED = ("crawler", "spiders", "pipelines")


def _imported_top_modules() -> set[str]:
    names: set[str] = set()
    for package in SHIPPED:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.add(node.module.split(".")[0])
                elif (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "import_module"
                      and node.args and isinstance(node.args[0], ast.Constant)):
                    names.add(str(node.args[0].value).split(".")[0])  # optional imports
    return names


def _runtime_dependencies() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0] for spec in project["dependencies"]]


def test_every_runtime_dependency_is_imported_by_the_shipped_code():
    imported = _imported_top_modules()
    unused = [dist for dist in _runtime_dependencies()
              if IMPORT_NAMES.get(dist.lower(), dist.lower().replace("-", "_")) not in imported]
    assert unused == [], f"runtime dependencies the runtime never imports: {unused}"


def test_test_only_packages_are_not_runtime_dependencies():
    runtime = {d.lower() for d in _runtime_dependencies()}
    assert not runtime & {"jsonschema", "lxml_html_clean", "pytest", "hypothesis"}
