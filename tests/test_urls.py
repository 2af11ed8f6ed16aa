from crawler.urls import canonical_url, fingerprint


def test_tracking_parameters_fragments_case_and_ports_fold():
    variants = [
        "https://News.Example:443/story/1?utm_source=a&utm_medium=b",
        "https://news.example/story/1#comments",
        "https://news.example/story/1?fbclid=xyz",
        "https://NEWS.example/story/1?gclid=1&ref=home",
    ]
    assert {canonical_url(v) for v in variants} == {"https://news.example/story/1"}
    assert len({fingerprint(v) for v in variants}) == 1


def test_content_parameters_are_kept_and_sorted():
    assert canonical_url("http://a.example/s?id=2&page=1") == "http://a.example/s?id=2&page=1"
    assert canonical_url("http://a.example/s?page=1&id=2") == "http://a.example/s?id=2&page=1"
    assert canonical_url("http://a.example:8080/x") == "http://a.example:8080/x"
    assert canonical_url("http://a.example") == "http://a.example/"
