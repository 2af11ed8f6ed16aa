"""Words that mean something to a page's layout, per language.

Three vocabularies, each a reason a piece of text is not the lead's body: headings that introduce
lists of other stories, labels that mark advertising, and interface strings (ad markers, app
banners, newsletter boxes, comment widgets). Kept as data so a profile's ``noise`` can extend them.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Headings of blocks that list other stories (en, hi, es, pt, fr, de, it, ru, ar, zh, ja, ko, id, tr).
RELATED_HEADINGS = [
    # English
    r"related( articles| stories| news| posts| coverage| content| reading| links)?",
    r"more (from|on|in|about|news|stories|like this|to read|top stories|coverage)\b.*",
    r"also read", r"read (more|next|also)", r"recommended( for you| stories| reading)?",
    r"you (may|might) (also )?(like|enjoy|be interested in)", r"trending( now| news| stories)?",
    r"top stories", r"latest( news| stories)?", r"most (read|popular|viewed|shared)",
    r"popular( now| stories)?", r"full coverage", r"in (other|the) news", r"what to read next",
    r"editor'?s picks", r"don'?t miss", r"further reading", r"see also", r"similar (stories|articles)",
    r"more headlines", r"other stories", r"from around the web", r"up next",
    # Hindi
    r"संबंधित( खबरें| लेख| ख़बरें| समाचार)?", r"ये भी पढ़ें", r"यह भी पढ़ें", r"और पढ़ें",
    r"ट्रेंडिंग( खबरें)?", r"ताज़ा खबरें", r"ताजा खबरें", r"टॉप खबरें", r"सम्बंधित खबरें",
    # Spanish
    r"(noticias|artículos) relacionad[oa]s", r"relacionad[oa]s", r"te puede interesar",
    r"(lee|leer) también", r"más (noticias|de|en|leídas|información)\b.*", r"lo más (leído|visto)",
    r"tendencias", r"también te puede interesar", r"cobertura completa", r"te recomendamos",
    # Portuguese
    r"(notícias|artigos|matérias) relacionad[oa]s", r"leia também", r"leia mais",
    r"veja também", r"mais (lidas|notícias|de)\b.*", r"você (pode|também pode) gostar",
    r"em alta", r"recomendad[oa]s para você",
    # French
    r"(articles|actualités|sujets) (liés|associés|similaires)", r"à lire aussi", r"lire aussi",
    r"sur le même (sujet|thème)", r"vous aimerez aussi", r"les plus lus", r"tendances",
    r"plus d'actualités", r"à lire également", r"dans l'actualité",
    # German
    r"(ähnliche|verwandte) (artikel|themen|nachrichten)", r"mehr zum thema", r"auch interessant",
    r"das könnte sie (auch )?interessieren", r"meistgelesen", r"weitere (artikel|nachrichten)",
    r"lesen sie auch", r"mehr aus\b.*", r"top[- ]themen",
    # Italian
    r"articoli correlati", r"notizie correlate", r"leggi anche", r"potrebbe interessarti",
    r"i più letti", r"altre notizie", r"ti potrebbe interessare", r"più letti",
    # Russian
    r"(читайте|смотрите) также", r"похожие (новости|статьи)", r"по теме", r"ещё по теме",
    r"еще по теме", r"популярное", r"самое читаемое", r"другие новости", r"вам может понравиться",
    # Arabic
    r"(أخبار|مقالات) ذات صلة", r"اقرأ أيضا", r"اقرأ أيضاً", r"الأكثر قراءة", r"مواضيع ذات صلة",
    r"قد يعجبك أيضا", r"قد يهمك",
    # Chinese
    r"相关(新闻|文章|阅读|报道|推荐)", r"相關(新聞|文章|閱讀|報導)", r"延伸阅读", r"延伸閱讀",
    r"热门(新闻|文章)?", r"熱門(新聞)?", r"猜你喜欢", r"推荐阅读", r"更多(新闻|报道)",
    # Japanese
    r"関連(記事|ニュース)", r"あわせて読みたい", r"おすすめ(記事)?", r"人気(記事|ニュース)",
    r"こちらもおすすめ", r"アクセスランキング",
    # Korean
    r"관련 ?(기사|뉴스)", r"함께 (보면 좋은|읽을 만한) 기사", r"많이 본 (기사|뉴스)",
    r"추천 ?기사", r"인기 ?기사",
    # Indonesian
    r"berita terkait", r"artikel terkait", r"baca juga", r"terpopuler", r"berita lainnya",
    r"rekomendasi( untuk anda)?", r"baca selengkapnya",
    # Turkish
    r"ilgili (haberler|yazılar)", r"benzer haberler", r"bunlar da ilginizi çekebilir",
    r"en çok okunanlar", r"diğer haberler", r"gündem", r"ayrıca okuyun",
]
RELATED_RE = re.compile(
    r"^(?:" + "|".join(RELATED_HEADINGS) + r")\s*[:：»›>→\-–—.!]*$", re.IGNORECASE
)

# Short labels that mark a card or block as advertising.
SPONSORED_LABELS = {
    "ad", "ads", "advertisement", "advertising", "sponsored", "sponsored content", "promoted",
    "paid content", "paid post", "partner content", "sponsored by", "paid partnership",
    "ad feature", "promoted content", "sponsored links", "from our partners", "by taboola",
    "by outbrain", "recommended by", "विज्ञापन", "प्रायोजित", "publicidad", "patrocinado",
    "contenido patrocinado", "anuncio", "publicidade", "conteúdo patrocinado", "patrocinada",
    "publicité", "sponsorisé", "contenu sponsorisé", "anzeige", "werbung", "gesponsert",
    "pubblicità", "sponsorizzato", "contenuto sponsorizzato", "реклама", "партнёрский материал",
    "на правах рекламы", "إعلان", "محتوى مدعوم", "广告", "廣告", "推广", "赞助", "広告", "スポンサー",
    "pr", "광고", "스폰서", "iklan", "bersponsor", "konten bersponsor", "reklam", "sponsorlu",
}
SPONSOR_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(ad|ads|adv|advert|advertisement|adslot|ad-slot|dfp|gpt|sponsor|sponsored|"
    r"promoted|promo-ad|outbrain|taboola|ob-widget|trc|native-ad|paid)(?:$|[\s_-])",
    re.IGNORECASE,
)
# First host labels of ad servers and click trackers ("clk.adnet.com/click?u=<landing page>").
TRACKER_LABELS = frozenset({"clk", "click", "clicks", "ads", "ad", "adserver", "adsrv", "track", "tracking",
                            "trk", "tracker", "redirect", "servedby"})
_LANDING = re.compile(r"(?:^|&)(?:u|url|dest|destination|target|redirect|landing|to|r)=https?(?::|%3a)", re.I)
AD_HOSTS = ("doubleclick.net", "googleadservices.com", "taboola.com", "outbrain.com",
            "adservice.google", "amazon-adsystem.com", "criteo.com", "mgid.com", "revcontent.com")

# Class/id tokens of page furniture that never holds the lead's body.
NAV_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(nav|navbar|navigation|menu|mainmenu|breadcrumbs?|footer|site-header|"
    r"masthead|pagination|pager|tags|tag-list|topics|social|share|sharing|newsletter|"
    r"subscribe|subscription|signup|paywall|cookie|consent|comments?|disqus|app-?banner|"
    r"download-app|popup|modal|toolbar|skip-link|login)(?:$|[\s_-])",
    re.IGNORECASE,
)
NAV_TAGS = ("nav", "footer", "form", "button", "select", "dialog", "menu")

# Interface strings (matched against a whole block, case-insensitive, punctuation trimmed).
UI_STRINGS = {
    # English
    "story continues below this ad", "story continues below advertisement",
    "article continues below advertisement", "continue reading below", "scroll to continue",
    "scroll to continue with content", "advertisement", "advertisement - scroll to continue",
    "try our ai features", "download the app", "get started now: download the app",
    "download our app", "comments", "no comments yet", "no comments yet...", "leave a comment",
    "post a comment", "sign up for our newsletter", "subscribe to our newsletter",
    "subscribe now", "sign up", "log in", "share this article", "share", "follow us",
    "read more", "click here", "listen to this article", "copy link", "print", "email",
    "view comments", "show comments", "load more", "see more", "back to top", "skip to content",
    "open in app", "get the app", "install app", "follow us on google news",
    "you have reached your limit", "already a subscriber? log in",
    # Other languages: ad markers, "read more", "comments", app banners
    "विज्ञापन", "और पढ़ें", "टिप्पणियाँ", "ऐप डाउनलोड करें", "publicidad", "leer más",
    "comentarios", "descarga la app", "publicidade", "leia mais", "comentários", "baixe o app",
    "publicité", "lire la suite", "commentaires", "téléchargez l'application", "anzeige",
    "weiterlesen", "kommentare", "app herunterladen", "pubblicità", "leggi di più", "commenti",
    "реклама", "читать далее", "комментарии", "إعلان", "اقرأ المزيد", "التعليقات", "广告",
    "阅读更多", "评论", "下载应用", "広告", "続きを読む", "コメント", "광고", "더보기", "댓글",
    "iklan", "baca selengkapnya", "komentar", "reklam", "devamını oku", "yorumlar",
}
UI_PATTERNS = re.compile(
    r"^(?:(?:the )?(?:story|article|text|content) continues (?:below|after)\b.*"
    r"|advertisement\b.{0,40}"
    r"|(?:also read|read also|read more|see also|must read|watch|also watch)\s*[:|-].{0,300}"
    r"|(?:sign up|subscribe)\b.{0,80}newsletter.{0,80}"
    r"|download (?:the|our) .{0,30}app.{0,120}"
    r"|explore what .{1,40} can do for you:?"
    r"|(?:ये भी पढ़ें|यह भी पढ़ें|lee también|leia também|à lire aussi|lesen sie auch|leggi anche"
    r"|читайте также|اقرأ أيضا|baca juga)\s*[:|-]?.{0,300}"
    r"|follow (?:live updates|us) .{0,40}"
    r"|have your say\b.{0,80}|subscribe now to keep reading.{0,80}|already a subscriber\b.{0,40}"
    r"|\(?(?:photo|image|file image|file photo|credit)s?\s*:.{0,120}"
    r")$",
    re.IGNORECASE,
)
_TRIM = re.compile(r"^[\s\W_]+|[\s\W_]+$", re.UNICODE)


def clean_key(text: str) -> str:
    """Lower-case text with surrounding punctuation removed, for vocabulary lookups."""
    return _TRIM.sub("", text).lower()


def is_click_tracker(url: str) -> bool:
    """An ad server or click tracker: a `clk.`/`ads.`/`track.` host, or any host forwarding to
    a landing page named in the query (`?u=https%3A...`) from a click path."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if "." in host and host.split(".", 1)[0] in TRACKER_LABELS and host.count(".") >= 2:
        return True
    if any(host == h or host.endswith("." + h) for h in AD_HOSTS):
        return True
    return bool(parts.query and _LANDING.search(parts.query) and re.search(r"click|redirect|track|/c/|/r/",
                                                                          parts.path, re.I))


_PAID_MEDIUM = re.compile(r"(?:^|&)utm_medium=(?:native|cpc|ppc|paid|display|sponsored|ad|ads|advertising)(?:&|$)",
                          re.I)


def is_paid_campaign(url: str) -> bool:
    """A link tagged as a paid placement by its own campaign parameters (utm_medium=native/cpc)."""
    try:
        return bool(_PAID_MEDIUM.search(urlsplit(url).query))
    except ValueError:
        return False


def is_related_heading(text: str) -> bool:
    if not text or len(text) > 60:
        return False
    return bool(RELATED_RE.match(text.strip().lower()))


def is_sponsored_label(text: str) -> bool:
    return len(text) <= 40 and clean_key(text) in SPONSORED_LABELS


def is_ui_string(text: str, extra: frozenset[str] = frozenset()) -> bool:
    """True for page furniture that is never prose (exact vocab, or a furniture pattern)."""
    key = clean_key(text)
    if not key:
        return True
    if key in UI_STRINGS or key in extra or text.strip().lower() in extra:
        return True
    return len(text) <= 400 and bool(UI_PATTERNS.match(text.strip()))
