"""Related-teaser detection on layouts nobody tuned for: one small invented page per layout
family, language or delivery form. Expectations are what the page shows a reader."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.extract import extract

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
PAGE = "https://agg.example/story/lead-101"

BODY = """<p>The harbour board approved the new pier on Monday after a long night of debate, members said.</p>
<p>Work on the pier starts in autumn and should end before the next summer season begins, officials said.</p>
<p>Fishermen welcomed the plan but asked for a second slipway for the smaller boats of the bay.</p>"""


def page(rail: str, *, before: str = "", lang: str = "en", head: str = "") -> str:
    """A lead story in <main>, `before` placed ahead of it in source order, `rail` after it."""
    return f"""<html lang="{lang}"><head><meta charset="utf-8"><title>Harbour board backs the new pier plan</title>{head}</head>
<body><header><nav><a href="/">Home</a><a href="/sports">Sports</a><a href="/business">Business</a></nav></header>
{before}<main><article><h1>Harbour board backs the new pier plan</h1>
<div><span>Bay Courier</span> · <span>3 hours ago</span></div>{BODY}</article></main>
{rail}<footer><a href="/privacy-policy">Privacy policy</a><a href="/terms">Terms of use</a></footer></body></html>"""


def urls(result) -> list[str]:
    return [t.url for t in result.related]


def by_url(result) -> dict:
    return {t.url: t for t in result.related}


def test_hashed_class_cards_without_heading_one_anchor_per_card():
    cards = "".join(
        f"""<div class="css-1t8jv0x"><a class="css-9qz2lk" href="/story/{slug}-{n}">
<img class="css-0aa1" src="/img/{n}.jpg" width="160" height="90" alt="">
<div class="css-4kx1pa"><span class="css-77ab1">{pub}</span><span class="css-p0x2q">{age}</span></div>
<div class="css-m3n8rr">{title}</div><div class="css-q1w2e3">{summary}</div></a></div>"""
        for n, slug, pub, age, title, summary in [
            (1, "ferry", "Coast Herald", "2 hours ago", "New ferry line links the two islands from July",
             "The operator expects a thousand passengers a day on the crossing."),
            (2, "school", "Valley Post", "5 hours ago", "Village school reopens after the spring floods",
             "Pupils return on Monday to freshly painted classrooms."),
            (3, "market", "Coast Herald", "1 day ago", "Saturday market moves to the old station square",
             "Traders say the new square gives them twice the room."),
        ])
    result = extract(page(f'<div class="css-8fj2k1">{cards}</div>'), url=PAGE, fetched_at=NOW)
    got = by_url(result)
    assert list(got) == ["https://agg.example/story/ferry-1", "https://agg.example/story/school-2",
                         "https://agg.example/story/market-3"]
    first = got["https://agg.example/story/ferry-1"]
    assert first.headline == "New ferry line links the two islands from July"
    assert first.source == "Coast Herald"
    assert first.published_at == NOW - timedelta(hours=2)
    assert got["https://agg.example/story/market-3"].published_at == NOW - timedelta(days=1)


def test_rail_before_main_in_source_order():
    rail = """<aside><ul>
<li><a href="/story/bridge-7">Old bridge closes for repairs until the end of August</a> <span>Town Echo</span> <span>4 hours ago</span></li>
<li><a href="/story/orchard-8">Orchard growers expect a record cherry harvest this year</a> <span>Farm Weekly</span> <span>6 hours ago</span></li>
</ul></aside>"""
    result = extract(page("", before=rail), url=PAGE, fetched_at=NOW)
    assert urls(result) == ["https://agg.example/story/bridge-7", "https://agg.example/story/orchard-8"]
    assert result.related[1].source == "Farm Weekly"
    assert result.lead is not None and result.lead.headline == "Harbour board backs the new pier plan"


def test_custom_elements_and_bem_classes():
    rail = """<xx-rail class="recirc__list">
<xx-card class="teaser"><h3 class="teaser__title"><a href="/n/4411">Lighthouse keeper retires after forty years on the rock</a></h3>
<p class="teaser__meta"><span class="teaser__source">Isle Times</span> <time datetime="2025-06-15T09:30:00Z">2h</time></p></xx-card>
<xx-card class="teaser"><h3 class="teaser__title"><a href="/n/4412">Council votes to keep the night buses running</a></h3>
<p class="teaser__meta"><span class="teaser__source">Metro Line</span> <time datetime="2025-06-15T07:00:00Z">5h</time></p></xx-card>
</xx-rail>"""
    result = extract(page(rail), url=PAGE, fetched_at=NOW)
    got = by_url(result)
    assert list(got) == ["https://agg.example/n/4411", "https://agg.example/n/4412"]
    assert got["https://agg.example/n/4411"].source == "Isle Times"
    assert got["https://agg.example/n/4411"].published_at == datetime(2025, 6, 15, 9, 30, tzinfo=UTC)


def test_arabic_page_without_related_heading():
    rail = """<div class="g7"><div class="g8"><a href="/ar/n/901">افتتاح مكتبة جديدة في وسط المدينة القديمة</a><span>صحيفة الواحة</span><span>منذ 3 ساعات</span></div>
<div class="g8"><a href="/ar/n/902">ارتفاع أعداد الزوار في متحف البحر هذا الصيف</a><span>جريدة الساحل</span><span>منذ ساعتين</span></div>
<div class="g8"><a href="/ar/n/903">بلدية المدينة تطلق خطة لزراعة ألف شجرة</a><span>صحيفة الواحة</span><span>منذ يوم</span></div></div>"""
    result = extract(page(rail, lang="ar"), url=PAGE, fetched_at=NOW)
    got = by_url(result)
    assert list(got) == ["https://agg.example/ar/n/901", "https://agg.example/ar/n/902",
                         "https://agg.example/ar/n/903"]
    assert got["https://agg.example/ar/n/902"].source == "جريدة الساحل"
    assert got["https://agg.example/ar/n/902"].published_at == NOW - timedelta(hours=2)
    assert got["https://agg.example/ar/n/901"].published_at == NOW - timedelta(hours=3)


def test_teasers_only_in_window_initial_state():
    state = """<script>window.__INITIAL_STATE__={"page":{"story":{"title":"Harbour board backs the new pier plan",
"bodyHtml":"<p>The harbour board approved the new pier on Monday after a long night of debate, members said.</p><p>Work starts in autumn and should end before the next summer season begins.</p>"},
"navigation":[{"label":"Sports","href":"/sports"}],
"moreFromUs":[{"name":"Tram line extension opens to the northern suburbs","url":"/s/tram-5512","publisher":{"displayName":"City Wire"},"publishedAt":"2025-06-15T08:00:00Z"},
{"name":"Bakers protest the rising price of flour","url":"/s/flour-5513?utm_source=app","publisher":"Daily Loaf","publishedAt":1749974400000},
{"name":"Win a cruise for two with this one simple trick","url":"https://clk.adnet.example/click?u=https%3A%2F%2Fshop.example%2F","sponsored":true}]}};</script>"""
    html = f"""<html><head><title>Harbour board backs the new pier plan</title></head>
<body><div id="root"></div>{state}</body></html>"""
    result = extract(html, url=PAGE, fetched_at=NOW)
    got = by_url(result)
    assert list(got) == ["https://agg.example/s/tram-5512", "https://agg.example/s/flour-5513"]
    assert got["https://agg.example/s/tram-5512"].source == "City Wire"
    assert got["https://agg.example/s/flour-5513"].published_at == datetime(2025, 6, 15, 8, 0, tzinfo=UTC)


def test_compact_ages_and_icon_glued_times():
    rail = """<section><div class="r"><div class="c"><a href="/a/1001">Swimmers return to the east beach after the clean-up</a><span>Shore News</span><span>35m</span></div>
<div class="c"><a href="/a/1002">Night market draws record crowds to the harbour front</a><span>Shore News</span><span>2h</span></div>
<div class="c"><a href="/a/1003">Ferry workers agree a new contract after long talks</a><span>Bay Courier</span><span><i class="material-icons">schedule</i>1d</span></div>
<div class="c"><a href="/a/1004">Rail museum opens a new hall for steam engines</a><span>Bay Courier</span><span>time42 minutes ago</span></div>
</div></section>"""
    result = extract(page(rail), url=PAGE, fetched_at=NOW)
    got = {t.url.rsplit("/", 1)[-1]: t.published_at for t in result.related}
    assert got == {"1001": NOW - timedelta(minutes=35), "1002": NOW - timedelta(hours=2),
                   "1003": NOW - timedelta(days=1), "1004": NOW - timedelta(minutes=42)}


def test_publisher_from_logo_alt_glued_name_and_list_bullet():
    rail = """<div class="rel"><div class="it"><a href="/p/71">Coastal path reopens after the winter landslides</a>
<div class="m"><img src="/logos/tide.png" alt="Tide Gazette" width="16" height="16"><span>3 hours ago</span></div></div>
<div class="it"><a href="/p/72">Library adds a Sunday reading hour for children</a><div class="m"><span>Deccan Ledger42 minutes ago</span></div></div>
<div class="it"><a href="/p/73">Cycle lanes painted along the old canal road</a><ul><li>North Star Daily</li></ul><span>5 hours ago</span></div></div>"""
    result = extract(page(rail), url=PAGE, fetched_at=NOW)
    assert [t.source for t in result.related] == ["Tide Gazette", "Deccan Ledger", "North Star Daily"]
    assert result.related[1].published_at == NOW - timedelta(minutes=42)


def test_sponsored_cards_in_three_languages_excluded():
    def card(href: str, title: str, extra: str = "", attrs: str = "") -> str:
        return f'<div class="k"{attrs}><a href="{href}">{title}</a><span>Bay Courier</span><span>2 hours ago</span>{extra}</div>'

    rail = "<div class='list'>" + "".join([
        card("/n/2001", "Tram depot gets a solar roof before the summer"),
        card("https://shop.example/offer/a", "Gesunde Ernährung: diese Küchenmaschine kaufen jetzt alle", "<span>Anzeige</span>"),
        card("https://shop.example/offer/b", "Este truco sencillo ahorra dinero en la factura de la luz", "<span>Patrocinado</span>"),
        card("https://shop.example/offer/c", "Ce chalet de montagne coûte moins cher que vous ne le pensez", attrs=' data-sponsored="true"'),
        card("https://clk.adnet.example/click?u=https%3A%2F%2Fshop.example%2Fd", "Homeowners are switching to this cheaper garden shed"),
        card("/n/2002", "Harbour pool opens a month early thanks to the warm spring"),
    ]) + "</div>"
    result = extract(page(rail), url=PAGE, fetched_at=NOW)
    assert urls(result) == ["https://agg.example/n/2001", "https://agg.example/n/2002"]


def test_page_without_teasers_gives_empty_list():
    result = extract(page("<div><p>Comments are closed for this story.</p></div>"), url=PAGE, fetched_at=NOW)
    assert result.lead is not None
    assert result.related == []


def test_story_shown_twice_is_one_teaser_with_full_title():
    rail = """<section><div class="l">
<div class="x"><a href="/s/3301?utm_source=rel#top">Town hall clock chimes again after a century of silence</a><span>Bell News</span><span>2 hours ago</span></div>
<div class="x"><a href="/s/3302">Fishing fleet returns early as the storm moves in</a><span>Bay Courier</span><span>4 hours ago</span></div>
</div></section>
<section><ol class="t"><li><a href="https://agg.example/s/3301" title="Town hall clock chimes again after a century of silence">Town hall clock chimes again…</a></li>
<li><a href="/s/3303">Students build a weather station on the school roof</a></li>
<li><a href="/s/3302?fbclid=abc">Fishing fleet returns early as the storm moves in</a></li></ol></section>"""
    result = extract(page(rail), url=PAGE, fetched_at=NOW)
    got = by_url(result)
    assert list(got) == ["https://agg.example/s/3301", "https://agg.example/s/3302", "https://agg.example/s/3303"]
    assert got["https://agg.example/s/3301"].headline == "Town hall clock chimes again after a century of silence"


def test_links_clean_base_href_and_non_ascii_paths():
    head = '<base href="https://www.agg.example/hi/">'
    rail = """<div><div class="c"><a href="khabar/नया-पुल-123?utm_medium=social&amp;id=5">नदी पर बना नया पुल आज से आम लोगों के लिए खुला</a><span>3 घंटे पहले</span></div>
<div class="c"><a href="../en/bridge-124?gclid=zz">New bridge over the river opens to traffic today</a><span>4 hours ago</span></div></div>"""
    result = extract(page(rail, head=head), url=PAGE, fetched_at=NOW)
    assert urls(result) == [
        "https://www.agg.example/hi/khabar/%E0%A4%A8%E0%A4%AF%E0%A4%BE-%E0%A4%AA%E0%A5%81%E0%A4%B2-123?id=5",
        "https://www.agg.example/en/bridge-124"]


def test_section_kicker_is_not_the_publisher_and_listing_links_are_not_teasers():
    rail = """<div class="grid"><div class="card"><div class="kicker">Sports</div><a href="/g/81">Rowing club wins the regional cup for a third year</a><span>Lake Times</span><span>1 hour ago</span></div>
<div class="card"><div class="kicker">Business</div><a href="/g/82">Corner shop celebrates fifty years on the high street</a><span>Main Street Post</span><span>3 hours ago</span></div>
<a href="/top-stories">See all of today's top stories</a></div>"""
    result = extract(page(rail), url=PAGE, fetched_at=NOW)
    assert [(t.url, t.source) for t in result.related] == [
        ("https://agg.example/g/81", "Lake Times"), ("https://agg.example/g/82", "Main Street Post")]


def test_page_read_without_address_keeps_relative_links():
    rail = """<div><div class="c"><a href="/story/owl-61">Rare owl spotted in the city park for the first time</a><span>2 hours ago</span></div>
<div class="c"><a href="/story/kite-62">Kite festival fills the dunes with colour all weekend</a><span>5 hours ago</span></div></div>"""
    result = extract(page(rail), fetched_at=NOW)
    assert urls(result) == ["/story/owl-61", "/story/kite-62"]


def test_links_inside_body_sentences_are_not_teasers():
    body = """<main><article><h1>Harbour board backs the new pier plan</h1><div><span>Bay Courier</span> <span>3 hours ago</span></div>
<div class="txt"><p>The harbour board approved the pier after the <a href="/n/501">long dispute over the old fish market rights</a> was settled in court last year, members said.</p>
<p>Work starts in autumn, and the board says <a href="/n/502">the new timetable for the island ferries in summer</a> will not change at all during the works.</p>
<p>Fishermen welcomed the plan but asked for a second slipway for the smaller boats of the bay, the chair said.</p></div></article></main>"""
    html = f"<html><head><title>Harbour board backs the new pier plan</title></head><body>{body}</body></html>"
    result = extract(html, url=PAGE, fetched_at=NOW)
    assert result.related == []


def test_hero_card_beside_a_list_without_known_heading():
    rail = """<section class="zx"><div class="h"><span>Lo último</span></div>
<div class="hero"><a href="/es/n/700"><img src="/i/700.jpg" width="640" height="360" alt="">
<h2>El puerto estrena una grúa eléctrica para los contenedores</h2></a><span>Diario del Muelle</span><span>hace 20 min</span></div>
<ul class="lst"><li><a href="/es/n/701">Los pescadores piden otra rampa para las barcas pequeñas</a><span>Voz Costera</span><span>hace 2 h</span></li>
<li><a href="/es/n/702">La biblioteca abre los domingos durante todo el verano</a><span>Voz Costera</span><span>hace 5 h</span></li></ul></section>"""
    result = extract(page(rail, lang="es"), url=PAGE, fetched_at=NOW)
    got = by_url(result)
    assert list(got) == ["https://agg.example/es/n/700", "https://agg.example/es/n/701",
                         "https://agg.example/es/n/702"]
    assert got["https://agg.example/es/n/700"].source == "Diario del Muelle"
    assert got["https://agg.example/es/n/700"].published_at == NOW - timedelta(minutes=20)


def test_image_only_links_with_the_title_beside_them():
    rail = """<div class="w"><div class="t"><a href="/v/91"><img src="/i/91.jpg" width="300" height="170" alt=""></a>
<div class="tt">Volunteers plant four hundred oaks along the river bank</div><span>Green Post</span><span>3 hours ago</span></div>
<div class="t"><a href="/v/92" aria-label="Night trains return to the mountain line next month"><img src="/i/92.jpg" width="300" height="170" alt=""></a>
<div class="tt">Night trains return to the mountain line next month</div><span>Rail Daily</span><span>6 hours ago</span></div></div>"""
    result = extract(page(rail), url=PAGE, fetched_at=NOW)
    assert [(t.url, t.headline, t.source) for t in result.related] == [
        ("https://agg.example/v/91", "Volunteers plant four hundred oaks along the river bank", "Green Post"),
        ("https://agg.example/v/92", "Night trains return to the mountain line next month", "Rail Daily")]


def test_italian_elided_count():
    rail = """<div><div class="c"><a href="/it/n/31">Il comune rinvia il voto sul nuovo porto turistico</a><span>Eco del Lago</span><span>un'ora fa</span></div>
<div class="c"><a href="/it/n/32">La biblioteca resta aperta fino a mezzanotte in estate</a><span>Eco del Lago</span><span>3 ore fa</span></div></div>"""
    result = extract(page(rail, lang="it"), url=PAGE, fetched_at=NOW)
    assert [t.published_at for t in result.related] == [NOW - timedelta(hours=1), NOW - timedelta(hours=3)]


def test_kicker_above_the_publisher_line_without_menu_or_class_hints():
    rail = """<div class="q1"><div class="q2"><div>Kultur</div><div><span>Abendblatt Nord</span></div>
<a href="/de/a/51">Stadtorchester spielt im Sommer wieder im Schlosspark</a><p>Die Konzerte beginnen im Juli.</p><span>vor 2 Stunden</span></div>
<div class="q2"><div>Sport</div><div><span>Kurier am See</span></div>
<a href="/de/a/52">Ruderverein gewinnt zum dritten Mal den Landespokal</a><p>Das Team feierte am Ufer.</p><span>vor 5 Stunden</span></div></div>"""
    result = extract(page(rail, lang="de"), url=PAGE, fetched_at=NOW)
    assert [t.source for t in result.related] == ["Abendblatt Nord", "Kurier am See"]
