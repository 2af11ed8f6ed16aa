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


def test_clean_link_drops_click_tracking_keeps_content_parameters():
    from crawler.urls import clean_link

    assert clean_link("HTTPS://News.Example/a/b?utm_source=x&id=7&fbclid=q&gclid=z#top") == \
        "https://news.example/a/b?id=7"
    assert clean_link("https://news.example/खबर/1") == "https://news.example/%E0%A4%96%E0%A4%AC%E0%A4%B0/1"
    assert clean_link("https://news.example/x/?ref=home") == "https://news.example/x/?ref=home"
