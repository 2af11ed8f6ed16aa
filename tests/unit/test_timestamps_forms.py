"""Where the parser finds dot-separated clocks, glued publishers and Indian-language times.

The corpus (test_timestamps_corpus.py) asserts the instants; these tests assert the pieces the
extractor's time finder relies on: what `locate` cuts out of a text, and the word boundaries in
scripts whose vowel signs Python's ``re`` does not count as letters.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.timestamps import locate, parse
from crawler.timestamps.clean import normalise

NOW = datetime(2025, 6, 16, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "lang", "want"), [
    ("5 hours agoReuters", None, ("", "5 hours ago", "Reuters")),
    ("3h agoThe Herald", None, ("", "3h ago", "The Herald")),
    ("UpdatedYesterday", None, ("Updated", "Yesterday", "")),
    ("Mon 16 Jun 2025 11.30 BST", None, ("Mon", "16 Jun 2025 11.30 BST", "")),
    ("Dinamalar • 2 மணி நேரம் முன்பு", "ta", ("Dinamalar •", "2 மணி நேரம் முன்பு", "")),
    ("প্রথম আলো ৫ ঘণ্টা আগে", "bn", ("প্রথম আলো", "৫ ঘণ্টা আগে", "")),
    ("लोकसत्ता ३ तासांपूर्वी", "mr", ("लोकसत्ता", "३ तासांपूर्वी", "")),
    ("മനോരമ 2 മണിക്കൂ\u0d30\u0d4d\u200d മുമ്പ്", "ml",
     ("മനോരമ", "2 മണിക്കൂ\u0d30\u0d4d\u200d മുമ്പ്", "")),
])
def test_locate_cuts_the_time_out(text, lang, want):
    assert locate(text, lang) == want


@pytest.mark.parametrize(("text", "want"), [
    ("5 hours agoReuters", "5 hours ago Reuters"),
    ("PublishedToday 10:30", "Published Today 10:30"),
    ("time42 minutes ago", "time 42 minutes ago"),
    ("17h30", "17h30"),
    ("20250616T091200Z", "20250616T091200Z"),
    ("௨ மணி", "2 மணி"),
    ("౨ గంటల", "2 గంటల"),
    ("೨ ಗಂಟೆಗಳ", "2 ಗಂಟೆಗಳ"),
    ("൨ മണിക്കൂർ", "2 മണിക്കൂർ"),
    ("16 جون 2025، 10:30", "16 جون 2025, 10:30"),
    ("२ तासांपूर्वी।", "2 तासांपूर्वी"),
])
def test_normalise_splits_glue_and_reads_native_digits(text, want):
    assert normalise(text) == want


@pytest.mark.parametrize(("text", "lang"), [
    ("दिल्ली में 5 लोग", "hi"),  # Hindi "में" (in) is not Marathi "मे" (May)
    ("दिल्ली मे 5 लोग", "hi"),  # nor is its common misspelling, on a Hindi page
    ("10 ಜನ ಸಾವು", "kn"),  # Kannada "ಜನ" is "people", not a January abbreviation
    ("Version 2.30", "en"),  # a dotted number without a date, day word or lead-in
    ("Sensex up 2.30 points", "en"),
])
def test_words_inside_other_words_are_not_times(text, lang):
    assert parse(text, NOW, "Asia/Kolkata", lang) is None


@pytest.mark.parametrize(("text", "lang"), [
    ("16 மே 2025", "ta"),
    ("১৬ মে ২০২৫", "bn"),
    ("१६ मे २०२५", "mr"),
    ("16 ಮೇ 2025", "kn"),
    ("16 మే 2025", "te"),
    ("16 മേയ് 2025", "ml"),
    ("16 મે 2025", "gu"),
    ("16 ਮਈ 2025", "pa"),
    ("16 مئی 2025", "ur"),
])
def test_may_in_each_script(text, lang):
    found = parse(text, NOW, "Asia/Kolkata", lang)
    assert found is not None
    assert found.utc == datetime(2025, 5, 15, 18, 30, tzinfo=UTC)
