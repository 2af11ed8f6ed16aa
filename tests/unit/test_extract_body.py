"""The lead's body: what a reader sees as the story, and nothing of the page around it.

Every page here is invented; expectations were written from what each page shows a reader.
"""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html
import pytest

from crawler.extract import extract, maintext
from crawler.extract.bodynoise import is_body_noise, strip_marker

NOW = datetime(2025, 6, 15, 12, tzinfo=UTC)

PARAS = [
    "The river authority of Elmbrook said on Monday that the old stone weir would be rebuilt before the "
    "spring floods, after engineers found cracks along most of its length.",
    "Residents of the lower town, where water reached the market square twice last winter, have asked "
    "for the work to start as early as possible, and the council has promised a public meeting.",
    "The authority estimates the cost at four million, most of it covered by a regional fund for flood "
    "defences that was set up after the storms of the previous decade.",
    "Work crews will close the towpath between the mill and the footbridge while the new foundations "
    "are laid, and boat traffic will be diverted through the side channel.",
    "A spokesperson for the authority said the final design would be published next month, once the "
    "survey of the riverbed downstream of the weir is complete.",
]
TEASERS = [
    ("Bakery on Orchard Lane celebrates its hundredth year", "/story/bakery-hundred"),
    ("Night buses return to the valley route after repairs", "/story/night-buses"),
    ("Volunteers plant two thousand trees along the canal", "/story/canal-trees"),
    ("School choir wins the regional singing contest again", "/story/choir-wins"),
]
NOISE = [
    "STORY CONTINUES BELOW THIS AD", "Try Our AI Features", "See what Newsdeck AI can do for you:",
    "No comments yet. Be the first to share your thoughts!", "Sign up for our newsletter",
    "Download the Newsdeck app and follow the stories that matter to you.",
]


def _aggregator_page() -> str:
    teaser_cards = "".join(
        f'<div class="x1"><a href="{href}"><span class="x2">{title}</span></a>'
        f'<p class="x3">A short summary of the story about {title.lower()}.</p>'
        f'<span class="x4">Valley Post</span> <span class="x5">3 hours ago</span></div>'
        for title, href in TEASERS)
    return f"""<html><head><title>{'Elmbrook weir to be rebuilt before spring floods'} | Newsdeck</title></head>
<body><div class="a1"><a href="/">Newsdeck</a> <a href="/world">World</a> <a href="/local">Local</a></div>
<div class="a2"><h1>Elmbrook weir to be rebuilt before spring floods</h1>
<div class="a3"><span>Valley Post</span> · <span>2 hours ago</span></div>
<div class="a4">By Jonah Fenwick</div>
<div class="a5"><p>{PARAS[0]}</p><p>{PARAS[1]}</p>
<div class="a6"><span>ADVERTISEMENT</span></div><div class="a7">STORY CONTINUES BELOW THIS AD</div>
<p><strong>Also read:</strong> <a href="{TEASERS[0][1]}">{TEASERS[0][0]}</a></p>
<p>{PARAS[2]}</p><p>{PARAS[3]}</p><p>{PARAS[4]}</p></div>
<div class="a8"><div class="a9">Try Our AI Features</div><p>See what Newsdeck AI can do for you:</p>
<ul><li>Summaries of long stories</li><li>Answers about the news</li></ul></div>
<div class="b1"><div class="b2">Comments</div><p>No comments yet. Be the first to share your thoughts!</p></div>
<div class="b3"><div>Sign up for our newsletter</div><p>The main stories of the day, every morning in your inbox.</p></div>
<div class="b4"><div class="b5">Related Articles</div>{teaser_cards}</div>
<div class="b6"><p>Download the Newsdeck app and follow the stories that matter to you.</p></div>
</div></body></html>"""


def _body(html: str, url: str = "https://newsdeck.example/story/elmbrook-weir") -> str:
    result = extract(html, url=url, fetched_at=NOW)
    assert result.lead is not None, result.problems
    return result.lead.body or ""


def test_aggregator_noise_markers_and_related_teasers_never_reach_the_body():
    body = _body(_aggregator_page())
    for para in PARAS:
        assert para in body
    for noise in NOISE:
        assert noise.lower() not in body.lower(), noise
    for title, _href in TEASERS:
        assert title not in body, title
    assert "Elmbrook weir to be rebuilt before spring floods" not in body  # the headline is not body


def test_long_article_body_in_table_layout():
    paras = "<br><br>".join(PARAS)
    html = f"""<html><head><title>Elmbrook weir to be rebuilt</title></head><body>
<table width="100%"><tr><td colspan="2"><font size="5">Elmbrook Gazette</font></td></tr>
<tr><td width="20%"><a href="/">Front page</a><br><a href="/sport">Sport</a><br><a href="/letters">Letters</a></td>
<td><b><font size="4">Elmbrook weir to be rebuilt before spring floods</font></b><br>
<font size="2">Gazette staff, 8 June 2025</font><br><br><font face="Arial">{paras}</font></td></tr>
<tr><td colspan="2"><a href="/contact">Contact us</a> | <a href="/about">About</a></td></tr></table>
</body></html>"""
    body = _body(html, "https://gazette.example/weir.html")
    assert PARAS[0] in body and PARAS[-1] in body
    for menu in ("Front page", "Sport", "Letters", "Contact us", "|"):
        assert menu not in body.split("\n")[0]
    assert "Contact us" not in body


def test_body_is_not_empty_when_trafilatura_finds_nothing(monkeypatch):
    monkeypatch.setattr(maintext, "trafilatura_text", lambda root, url: "")
    body = _body(_aggregator_page())
    assert PARAS[0] in body and PARAS[-1] in body
    assert "STORY CONTINUES BELOW THIS AD" not in body


def test_paragraphs_in_divs_are_found():
    """Some sites write paragraphs as <div>s; a <p> standfirst must not pass for the whole story."""
    divs = "".join(f'<div class="p">{p}</div>' for p in PARAS)
    html = f"""<html><body><h1>Elmbrook weir to be rebuilt before spring floods</h1>
<div class="m"><span>Valley Post</span> <span>1 hr ago</span></div>
<p class="dek">The town's old weir will be replaced within the year.</p>
<div class="body">{divs}</div><div class="f"><a href="/about">About</a></div></body></html>"""
    body = _body(html)
    assert PARAS[0] in body and PARAS[-1] in body


def test_standfirst_with_read_more_link_and_author_box_are_not_body():
    html = f"""<html><body><h1>Elmbrook weir to be rebuilt before spring floods</h1>
<p class="dek">The town's old weir will be replaced within the year. <a href="https://valleypost.example/weir">read more</a></p>
<div class="body">{''.join(f'<p>{p}</p>' for p in PARAS)}</div>
<div class="bio"><p>Jonah Fenwick has reported on the valley's rivers and towns for many years.</p>
<a href="/author/jonah-fenwick">More stories by Jonah Fenwick</a></div></body></html>"""
    body = _body(html)
    assert body.startswith(PARAS[0])
    assert body.endswith(PARAS[-1])


def test_listing_page_of_story_cards_has_no_body():
    cards = "".join(
        f'<div class="card"><a href="{href}"><h3>{title}</h3></a><p>{PARAS[i]}</p>'
        f'<span>Valley Post</span> <span>{i + 1} hours ago</span></div>'
        for i, (title, href) in enumerate(TEASERS))
    html = f"""<html><body><h1>Top stories from the valley this week</h1>
<section class="list">{cards}</section></body></html>"""
    result = extract(html, url="https://newsdeck.example/", fetched_at=NOW)
    assert result.lead is None or not result.lead.body or PARAS[0] not in result.lead.body


def test_trafilatura_leaves_our_tree_as_it_was():
    root = lxml.html.document_fromstring(_aggregator_page())
    before = lxml.html.tostring(root)
    assert maintext.trafilatura_text(root, None)
    assert lxml.html.tostring(root) == before


def test_layout_tables_become_blocks_and_data_tables_stay():
    root = lxml.html.document_fromstring(
        "<html><body><table id='layout'><tr><td>" + PARAS[0] + PARAS[1] + PARAS[2] + "</td></tr></table>"
        "<table id='data'><tr><th>Town</th><th>Cost</th></tr><tr><td>Elmbrook</td><td>4m</td></tr></table>"
        "</body></html>")
    maintext.unwrap_layout_tables(root)
    assert root.get_element_by_id("layout").tag == "div"
    assert root.get_element_by_id("data").tag == "table"


@pytest.mark.parametrize("line", [
    "Sigue leyendo debajo del anuncio", "Продолжение после рекламы", "Compartilhe esta notícia",
    "Noch keine Kommentare. Schreiben Sie den ersten!", "Belum ada komentar.", "Try Our AI Features",
    "Share this articleFacebookXWhatsApp", "Sponsored links",
])
def test_widget_sentences_are_noise_anywhere(line):
    assert is_body_noise(line, edge=False)


@pytest.mark.parametrize("line", [
    "We use cookies to improve your experience on this site.",
    "Download the free Valley app and read the news anywhere.",
])
def test_box_sentences_are_noise_at_the_edges_only(line):
    assert is_body_noise(line, edge=True)
    assert not is_body_noise(line, edge=False)


@pytest.mark.parametrize("line", [
    PARAS[0], "The AI model was trained on public records, officials said.",
    "Officials said: the plan is ready.", "No one expected the weir to fail so soon, the mayor said.",
])
def test_story_sentences_are_not_noise(line):
    assert not is_body_noise(line, edge=True)


def test_ad_marker_glued_to_a_paragraph_is_cut_off_and_prose_stays_whole():
    assert strip_marker("STORY CONTINUES BELOW THIS ADThe mayor said the weir would hold.") == \
        "The mayor said the weir would hold."
    assert strip_marker("The story continues below, the mayor said.") == "The story continues below, the mayor said."


@pytest.mark.parametrize("href", ["author/mara-lind", "/autor/mara-lind", "/author/5512"])
def test_author_box_after_a_table_or_div_body_is_not_body(href):
    """Old layouts whose body the own picker reads: the bio box under the story still goes."""
    body = "<br><br>".join(PARAS)
    html = (f"<html><head><title>Weir to be rebuilt</title></head><body><table><tr><td>"
            f"<h1>Elmbrook weir to be rebuilt before the spring floods</h1><div>{body}</div>"
            f'<div class="x1"><p>Mara Lind has covered the Elmbrook valley for the Courier for a '
            f'decade.</p><a href="{href}">More from Mara Lind</a></div></td></tr></table>'
            f"</body></html>")
    got = extract(html, url="https://courier.example/elmbrook/weir", fetched_at=NOW)
    assert PARAS[-1][:60] in got.lead.body
    assert "has covered the Elmbrook valley" not in got.lead.body


@pytest.mark.parametrize("marker", ["기사는 광고 아래에 계속됩니다", "文章在广告后继续", "继续阅读",
                                    "تابع القراءة بعد الإعلان", "SCROLL TO CONTINUE WITH CONTENT"])
def test_ad_markers_alone_on_their_line_leave_nothing_behind(marker):
    """Korean, Chinese, and an Arabic marker whose last word is optional in the pattern: no
    remnant ("الإعلان") may stay as a line of its own."""
    body = "".join(f"<p>{p}</p>" + (f"<p>{marker}</p>" if i == 1 else "") for i, p in enumerate(PARAS))
    html = (f"<html><head><title>Weir</title></head><body><article><h1>Elmbrook weir to be rebuilt "
            f"before the spring floods</h1>{body}</article></body></html>")
    got = extract(html, url="https://courier.example/elmbrook/weir", fetched_at=NOW)
    assert marker.split()[-1] not in got.lead.body and PARAS[2][:50] in got.lead.body


@pytest.mark.parametrize("line,want", [
    ("PubblicitàIl progetto dovrebbe creare nuovi posti", "Il progetto dovrebbe creare nuovi posti"),
    ("AnzeigeDer Stadtrat hat entschieden", "Der Stadtrat hat entschieden"),
    ("Advertising revenue fell again this quarter", "Advertising revenue fell again this quarter"),
])
def test_bare_ad_label_glued_to_the_next_paragraph(line, want):
    assert strip_marker(line) == want


@pytest.mark.parametrize("line", ["हमारे एआई फीचर आज़माएं", "Yapay zekâ özelliklerimizi deneyin",
                                  "हर बड़ी खबर सबसे पहले पाने के लिए आज ही न्यूज़डेक ऐप इंस्टॉल करें।"])
def test_verb_last_ai_panels_and_hindi_app_invitations_are_noise(line):
    assert is_body_noise(line, True)
