"""Where the data directory is by default, and why (crawler.config)."""

from __future__ import annotations

from pathlib import Path

from crawler import config


def test_a_checkout_keeps_its_data_in_the_project(monkeypatch, tmp_path):
    (tmp_path / "scrapy.cfg").write_text("[settings]\n")
    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path)
    monkeypatch.delenv("CRAWLER_DATA_DIR", raising=False)
    monkeypatch.chdir(Path("/"))
    assert config.data_dir() == tmp_path / "var"
    assert config.data_dir_origin() == "the project checkout"


def test_an_installed_package_uses_the_user_data_directory(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path / "site-packages")
    monkeypatch.delenv("CRAWLER_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert config.data_dir() == tmp_path / "xdg" / "news-aggregator-crawler"
    assert config.data_dir_origin() == "the user data directory"


def test_the_environment_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("CRAWLER_DATA_DIR", str(tmp_path / "mine"))
    assert config.data_dir() == tmp_path / "mine"
    assert config.data_dir_origin() == "CRAWLER_DATA_DIR"
