"""CRAWLER_EXTRACT_PROCESSES read as a count of extraction worker processes, and
CRAWLER_EXTRACT_RECYCLE_AFTER as pages per worker."""

import pytest

from crawler.extraction_workers import MAX_AUTO_PROCESSES, processes_for, recycle_after_for


@pytest.mark.parametrize(("value", "cores", "expected"), [
    ("auto", 1, 0),  # one core: the reactor thread reads pages itself
    ("auto", 2, 1),
    ("", 4, 3),
    (None, 64, MAX_AUTO_PROCESSES),
    ("AUTO", 3, 2),
    ("0", 8, 0),
    (3, 1, 3),  # a number is taken as it is
    (" 2 ", 8, 2),
])
def test_count(value, cores, expected):
    assert processes_for(value, cores) == expected


@pytest.mark.parametrize(("value", "cores", "crawls", "expected"), [
    ("auto", 2, 1, 1),
    ("auto", 2, 2, 0),  # two crawls on two cores: each reads pages in its own thread
    ("auto", 2, 3, 0),
    ("auto", 8, 2, 3),
    ("auto", 16, 2, MAX_AUTO_PROCESSES),
    ("2", 2, 3, 2),  # a number is taken as it is, however many crawls share the machine
])
def test_auto_is_this_crawls_share_of_the_machine(value, cores, crawls, expected):
    assert processes_for(value, cores, crawls) == expected


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_bad_values_say_what_is_wanted(value):
    with pytest.raises(ValueError, match="'auto' or a whole number >= 0"):
        processes_for(value, 2)


@pytest.mark.parametrize(("value", "expected"), [(None, 0), ("", 0), ("0", 0), (" 2000 ", 2000), (50, 50)])
def test_recycle_after(value, expected):
    assert recycle_after_for(value) == expected


@pytest.mark.parametrize("value", ["-1", "often", "1.5"])
def test_bad_recycle_after_says_what_is_wanted(value):
    with pytest.raises(ValueError, match="CRAWLER_EXTRACT_RECYCLE_AFTER must be a whole number of pages >= 0"):
        recycle_after_for(value)
