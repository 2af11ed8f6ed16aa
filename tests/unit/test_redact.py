"""One mask for every secret the crawler might print or store, and one-line verdicts on URIs."""

from __future__ import annotations

import pytest

from crawler.redact import mask_setting, mask_settings, mask_uri, public_name
from crawler.storage.uri_check import mongo_uri_problem


@pytest.mark.parametrize(("uri", "masked"), [
    ("mongodb://user:p@ss@host:27017/db", "mongodb://user:***@host:27017/db"),
    ("mongodb://user:pa:ss@host/", "mongodb://user:***@host/"),
    ("redis://user:pa/ss@host/0", "redis://user:***@host/0"),
    ("mongodb://u:p%40ss%2F@h/?authSource=admin", "mongodb://u:***@h/?authSource=admin"),
    ("redis://:secret@host:6379/0", "redis://:***@host:6379/0"),
    ("redis://secret@host:6379", "redis://***@host:6379"),
    ("mongodb://127.0.0.1:27017/", "mongodb://127.0.0.1:27017/"),
    ("http://example.com/a/b?x=1", "http://example.com/a/b?x=1"),
])
def test_mask_uri_hides_every_password_shape(uri, masked):
    assert mask_uri(uri) == masked


def test_mask_uri_inside_text_and_reprs():
    text = "x {'REDIS_URL': 'redis://:s3cr@t@h:1/0', 'B': \"mongodb://a:b/c@h\"} y"
    out = mask_uri(text)
    assert "s3cr" not in out and "b/c" not in out
    assert "redis://:***@h:1/0" in out and "mongodb://a:***@h" in out


def test_mask_setting_by_name_and_value():
    assert mask_setting("REDIS_URL", "redis://:pw@h/0") == "redis://:***@h/0"
    assert mask_setting("HTTPPROXY_PASSWORD", "hunter2") == "***"
    assert mask_setting("API_TOKEN", "abc") == "***"
    assert mask_setting("LOG_LEVEL", "INFO") == "INFO"
    assert mask_settings({"X_URI": "mongodb://u:p@h/"}) == {"X_URI": "mongodb://u:***@h/"}


@pytest.mark.parametrize("uri", [
    "mongodb://crawler:p@ss@127.0.0.1/",
    "mongodb://crawler:p@ss/w@127.0.0.1:1/",
    "mongodb://crawler:pa:ss@127.0.0.1/",
    "mongodb://crawler:50%off@127.0.0.1/",
    "http://127.0.0.1/",
    "mongodb://127.0.0.1:99999/",
])
def test_unusable_mongo_uris_get_one_line_without_the_password(uri):
    problem = mongo_uri_problem(uri)
    assert problem and "\n" not in problem and problem.startswith("MONGO_URI ")
    for secret in ("p@ss", "pa:ss", "50%off"):
        assert secret not in problem


@pytest.mark.parametrize("uri", [
    "mongodb://127.0.0.1:27017/",
    "mongodb://crawler:p%40ss%2Fw@127.0.0.1/?authMechanism=PLAIN",
    "mongodb://a,b:27018/?replicaSet=rs0",
])
def test_valid_mongo_uris_pass(uri):
    assert mongo_uri_problem(uri) is None


def test_public_name_hides_private_exception_classes():
    class _OperationCancelled(ConnectionError):
        pass

    assert public_name(_OperationCancelled()) == "ConnectionError"
    assert public_name(ValueError()) == "ValueError"
