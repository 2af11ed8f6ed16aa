"""Docker cannot run here, so the Dockerfile is checked for what can go stale: every path it
copies exists (and is not excluded by .dockerignore), every script option and `crawler`
sub-command it runs exists, and docker-compose.yml wires mongo:7 to the crawler. Also Scrapyd's
side: scrapy.cfg has a [deploy] section and `scrapy list` shows every spider."""

from __future__ import annotations

import configparser
import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from crawler.cli import build_parser
from tests.support.crawl import ROOT

DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def exec_form(args: str) -> list[str]:
    return json.loads(args) if args.startswith("[") else shlex.split(args)


def dockerignore() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [x.strip() for x in lines if x.strip() and not x.startswith("#")]


def ignored(path: str) -> bool:
    return any(fnmatch.fnmatch(path, p) or path.startswith(p.rstrip("/") + "/") for p in dockerignore())


def install_options() -> set[str]:
    text = (ROOT / "scripts" / "install.sh").read_text(encoding="utf-8")
    return set(re.findall(r"^\s+(--[a-z-]+)\)", text, re.M))


def test_dockerfile_basics():
    ins = instructions()
    kinds = [k for k, _ in ins]
    base = dict(ins)["FROM"]
    assert re.fullmatch(r"python:3\.\d+-slim", base)
    assert "HEALTHCHECK" in kinds and "USER" in kinds and kinds[-1] == "CMD"
    user = [a for k, a in ins if k == "USER"][-1]
    assert user not in ("root", "0")
    assert kinds.index("USER") < kinds.index("CMD")
    assert exec_form(dict(ins)["CMD"]) == ["crawler", "schedule", "run"]


def test_every_copied_path_exists_and_is_in_the_build_context():
    copies = [exec_form(a) for k, a in instructions() if k == "COPY"]
    assert copies
    for parts in copies:
        sources = [p for p in parts[:-1] if not p.startswith("--")]
        for src in sources:
            assert (ROOT / src).exists(), f"Dockerfile copies {src}, which does not exist"
            assert not ignored(src.rstrip("/")), f"{src} is excluded by .dockerignore"


def test_install_script_is_the_makefiles_and_its_options_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "scripts/install.sh" in makefile
    options = install_options()
    runs = [a for k, a in instructions() if k == "RUN"]
    calls = [c for r in runs for c in r.split("&&") if "scripts/install.sh" in c]
    assert any("--python" in c for c in calls) and any("--debian" in c and "chromium" in c for c in calls)
    for call in calls:
        words = shlex.split(call)
        used = {w for w in words if w.startswith("--")}
        assert used <= options, f"install.sh has no option(s) {used - options}"
    # The --debian step is a no-op when the package is already installed (as here).
    proc = subprocess.run(["bash", str(ROOT / "scripts/install.sh"), "--debian", "chromium"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_every_crawler_command_the_image_runs_exists():
    parser, _ = build_parser()
    commands = [exec_form(a) for k, a in instructions() if k == "CMD"]
    health = [a for k, a in instructions() if k == "HEALTHCHECK"][0]
    commands.append(exec_form(health[health.index("CMD") + 3:].strip()))
    for cmd in commands:
        assert cmd[0] == "crawler", cmd
        parser.parse_args(cmd[1:])  # SystemExit on an unknown sub-command or choice


def test_compose_runs_the_image_beside_mongo7():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert services["mongo"]["image"] == "mongo:7"
    crawler = services["crawler"]
    assert crawler["build"] == "."
    assert crawler["environment"]["MONGO_URI"].startswith("mongodb://mongo:27017")
    assert "mongo" in crawler["depends_on"]
    mounts = [m.split(":") for m in crawler["volumes"]]
    schedule_mount = [m for m in mounts if "/etc/crawler/schedules.yaml" in m]
    assert schedule_mount and (ROOT / "schedules.example.yaml").exists()


def test_example_schedule_is_valid():
    from crawler.schedule import jobs

    loaded = jobs.load(ROOT / "schedules.example.yaml")
    assert {j.spider for j in loaded} <= jobs.known_spiders()


def test_scrapy_cfg_has_deploy_and_scrapy_list_shows_every_spider():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "scrapy.cfg")
    assert cfg.has_section("deploy") and cfg.get("settings", "default") == "crawler.settings"
    proc = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    listed = set(proc.stdout.split())
    expected = set()
    for path in (ROOT / "spiders").glob("*.py"):
        expected |= set(re.findall(r"^\s+name = \"([a-z0-9_]+)\"", path.read_text(), re.M))
    assert expected and expected <= listed, (expected, listed)
    assert {"daily8", "aggregator"} <= listed


def test_dockerignore_keeps_local_state_out():
    for path in (".venv", ".tools", "var", ".git"):
        assert ignored(path)
    assert Path(ROOT / ".dockerignore").exists()


ENTRYPOINT = ROOT / "scripts" / "docker-entrypoint.sh"


def test_pid1_is_an_init_that_reaps_and_the_entrypoint_is_in_the_image():
    ins = instructions()
    entry = exec_form([a for k, a in ins if k == "ENTRYPOINT"][-1])
    assert entry == ["tini", "--", "crawler-entrypoint"]
    debian = [c for k, a in ins if k == "RUN" for c in a.split("&&") if "--debian" in c]
    assert any("tini" in shlex.split(c) for c in debian)  # Debian's tini: /usr/bin/tini
    copies = [exec_form(a) for k, a in ins if k == "COPY"]
    assert ["scripts/docker-entrypoint.sh", "/usr/local/bin/crawler-entrypoint"] in copies
    assert ENTRYPOINT.stat().st_mode & 0o111, "the entrypoint must be executable"
    assert [k for k, _ in ins].index("ENTRYPOINT") < [k for k, _ in ins].index("CMD")


@pytest.fixture
def fake_crawler(tmp_path):
    """A `crawler` on PATH that prints its arguments: what the entrypoint execs."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    stub = bindir / "crawler"
    stub.write_text('#!/bin/sh\necho "ran crawler $*"\n', encoding="utf-8")
    stub.chmod(0o755)
    return bindir


def entrypoint(args: list[str], env: dict, user: int | None = None):
    cmd = ["sh", str(ENTRYPOINT), *args]
    if user is not None:  # as the container's unprivileged user would run it
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *cmd]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=30)


def test_without_mongo_uri_the_container_says_so_in_one_line_and_exits_2(tmp_path, fake_crawler):
    env = {"PATH": f"{fake_crawler}:/usr/bin:/bin", "CRAWLER_DATA_DIR": str(tmp_path / "data")}
    proc = entrypoint(["crawler", "schedule", "run"], env)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and "MONGO_URI is not set" in proc.stderr
    # Commands that need no database still run; with MONGO_URI every command does.
    assert entrypoint(["crawler", "profile", "check", "x.yaml"], env).stdout == \
        "ran crawler profile check x.yaml\n"
    ok = entrypoint(["crawler", "schedule", "run"], {**env, "MONGO_URI": "mongodb://mongo:27017/"})
    assert ok.returncode == 0 and ok.stdout == "ran crawler schedule run\n", ok.stderr


@pytest.mark.skipif(not shutil.which("setpriv") or os.getuid() != 0,
                    reason="needs root and setpriv to act as the image's user")
def test_data_dir_bind_mounted_by_another_user_is_one_line_and_exit_2():
    uid = 10001
    with tempfile.TemporaryDirectory() as base:  # under /tmp: every user may pass through
        tmp_path = Path(base)
        tmp_path.chmod(0o755)
        check_data_dirs(tmp_path, uid)


def check_data_dirs(tmp_path: Path, uid: int) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir(mode=0o755)
    (bindir / "crawler").write_text('#!/bin/sh\necho "ran crawler $*"\n', encoding="utf-8")
    (bindir / "crawler").chmod(0o755)
    env = {"PATH": f"{bindir}:/usr/bin:/bin", "MONGO_URI": "mongodb://mongo:27017/"}
    root_owned = tmp_path / "root-owned"  # a bind mount of a host directory owned by root
    root_owned.mkdir(mode=0o755)
    proc = entrypoint(["crawler", "schedule", "run"], {**env, "CRAWLER_DATA_DIR": str(root_owned)},
                      user=uid)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1
    assert f"{root_owned} is not writable by uid {uid}" in proc.stderr and "chown" in proc.stderr
    own = tmp_path / "volume"  # a named volume: the image made it the crawler user's
    own.mkdir()
    os.chown(own, uid, uid)
    proc = entrypoint(["crawler", "schedule", "run"], {**env, "CRAWLER_DATA_DIR": str(own)},
                      user=uid)
    assert proc.returncode == 0 and proc.stdout == "ran crawler schedule run\n", proc.stderr
    assert list(own.iterdir()) == []  # the write probe is gone
