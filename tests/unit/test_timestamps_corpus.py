"""Every case of the hand-written corpus (crawler/timestamps/corpus.yaml), asserted."""

from __future__ import annotations

import pytest

from crawler.timestamps import parse_with_reason
from crawler.timestamps.corpus import load_cases

CASES = load_cases()


def test_corpus_is_large_and_varied():
    assert len(CASES) >= 250
    assert sum(c.expect is None for c in CASES) >= 40
    langs = {c.lang for c in CASES}
    assert {"en", "hi", "es", "pt", "fr", "de", "it", "ru", "ar", "zh", "ja", "ko", "id",
            "tr", "ta", "bn", "mr", "te", "kn", "ml", "gu", "pa", "ur"} <= langs


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case):
    found, reason = parse_with_reason(case.text, case.now, case.tz, case.lang)
    if case.expect is None:
        assert found is None, f"expected no time, got {found}"
        assert reason
        if case.extra:
            assert case.extra in reason, reason
        return
    assert found is not None, f"expected {case.expect.isoformat()}, got nothing: {reason}"
    assert reason is None
    assert found.utc == case.expect, f"{found.utc.isoformat()} != {case.expect.isoformat()}"
    assert found.utc.utcoffset().total_seconds() == 0
    assert found.raw == case.text
    if case.extra:
        assert found.precision == case.extra
