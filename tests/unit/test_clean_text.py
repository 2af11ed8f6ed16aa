"""pipelines.normalize.clean_text: white space folded as the pattern `\\s+` folds it."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from pipelines.normalize import clean_text

_SPACE = re.compile(r"\s+")


def _by_pattern(value: str) -> str | None:
    return _SPACE.sub(" ", value.replace("\u00a0", " ").replace("\u200b", "")).strip() or None


SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()] + ["\u200b"]


@given(st.lists(st.one_of(st.sampled_from(SPACES), st.text(max_size=5)), max_size=30))
def test_the_same_text_as_the_pattern(parts):
    value = "".join(parts)
    assert clean_text(value) == _by_pattern(value)


def test_every_space_character_folds():
    assert clean_text("a" + "".join(SPACES) + "b") == "a b"
    assert clean_text(" \u200b \u00a0") is None and clean_text(None) is None
