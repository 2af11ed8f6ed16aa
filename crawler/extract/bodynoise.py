"""Widget sentences that reach a body extracted by trafilatura, per language.

noise.py's vocabularies name short interface strings; trafilatura, reading a whole page, also
keeps the sentence-long texts of the boxes around a story: "continue reading after the ad"
markers, empty comment widgets, cookie notices, "see what our AI can do" panels, app and
newsletter invitations, subscription confirmations. Each pattern matches a whole line
(case-insensitive). ANYWHERE patterns are markers that sit between paragraphs; EDGE patterns
are boxes that sit before or after the story and are only looked for near its ends, because
a story may itself talk about cookies or apps.
"""

from __future__ import annotations

import re

_AD = r"(?:ad|ads|advert|advertisement|advertising|sponsor message)"
_AI = r"(?:\b(?:ai|ia|ki|ии)\b|l'ia|एआई|yapay zek[aâ]|الذكاء الاصطناعي|ذكاء.{0,40}الاصطناعي|(?:AI|ＡＩ)(?=で|が|の|に))"
_LABEL = (r"(?:(?:advertisement|advertising|ad|publicidad|publicidade|publicité|anzeige|werbung|pubblicità"
          r"|реклама|विज्ञापन|iklan|reklam|広告|إعلان|광고|广告|廣告)\s*[:\-–—|·]?\s*)?")
# "story continues below/after the ad", per language
_CONTINUES = (
    rf"(?:(?:the )?(?:story|article|text|content|news) continues (?:below|after)(?: (?:the|this) {_AD})?"
    rf"|continue reading (?:below|after)(?: (?:the|this) {_AD})?"
    r"|scroll (?:down )?to continue(?: (?:with|reading)(?: the)?(?: content| article| story)?)?"
    r"|(?:sigue|continúa|seguir) (?:leyendo|la noticia|la lectura) (?:debajo|después|tras) (?:del|de la) (?:anuncio|publicidad)"
    r"|(?:continua|continue lendo|a matéria continua) (?:após|depois d[ao]|abaixo d[ao]) (?:a )?(?:publicidade|anúncio)"
    r"|(?:la suite|l'article continue|lire la suite) (?:après|sous|ci-dessous) (?:la|cette) publicité"
    r"|(?:weiterlesen|lesen sie weiter|der artikel geht weiter|weiter geht'?s) (?:nach|unter) der (?:anzeige|werbung)"
    r"|(?:continua a leggere|l'articolo continua|continua) (?:dopo|sotto) la pubblicità"
    r"|(?:продолжение|читайте далее|статья продолжается) (?:после|ниже|под) рекламы"
    r"|(?:खबर|लेख|समाचार) जारी है,? (?:नीचे पढ़ें|विज्ञापन के बाद)"
    r"|(?:berita|artikel) (?:berlanjut|dilanjutkan) (?:di bawah|setelah) (?:iklan|ini)|lanjutkan membaca di bawah"
    r"|haberin devamı (?:reklamdan sonra|aşağıda)|(?:yazı|haber) reklamdan sonra devam ediyor"
    r"|記事の続きは(?:広告の)?(?:下|後|あと)(?:で|に)?(?:あります|続きます)?|広告の(?:後|あと)に続きます"
    r"|(?:يتبع|تابع القراءة|تستمر القصة|يستمر الخبر) (?:بعد|أسفل|أدناه)(?: الإعلان)?"
    r"|(?:기사|본문)(?:는|은)? 광고 (?:아래|다음|뒤)(?:에|로)? (?:계속됩니다|이어집니다)"
    r"|(?:正文|文章|新闻)?(?:在|于)?广告(?:之后|后|下方)继续|(?:下[面方])?(?:继续|繼續)阅读|廣告後繼續閱讀)"
)
# The marker glued to the paragraph after it, as <br> layouts print it ("...after the adThe mayor said").
AD_PREFIX = re.compile(rf"^{_LABEL}{_CONTINUES}\s*[.…:!]*\s*(?=\S)", re.IGNORECASE)
ANYWHERE = re.compile(
    rf"^{_LABEL}(?:"
    rf"{_CONTINUES}"
    r"|sponsored links?|スポンサーリンク|広告リンク"
    # share labels, maybe glued to the networks' names
    r"|(?:share (?:this|the) (?:article|story|post|news)|compartilhe esta (?:notícia|matéria)"
    r"|comparte esta noticia|partager (?:cet article|cette actualité)|(?:diesen )?artikel teilen"
    r"|condividi (?:questo articolo|questa notizia)|поделиться(?: новостью| статьей)?|bagikan (?:artikel|berita) ini"
    r"|bu haberi paylaş|この記事をシェア(?:する)?|شارك (?:هذا )?(?:المقال|الخبر)|(?:यह )?खबर शेयर करें)"
    r"(?:\s?(?:facebook|twitter|x|whatsapp|linkedin|telegram|email|e-mail|copy link|reddit)){0,6}"
    # empty comment widgets
    r"|(?:there are )?no comments(?: yet)?\b.{0,80}|be the first to (?:comment|share|reply)\b.{0,60}"
    r"|(?:todavía|aún) no hay comentarios.{0,80}|ainda não há comentários.{0,80}|nenhum comentário.{0,80}"
    r"|(?:il n'y a )?(?:pas encore de|aucun) commentaires?.{0,80}|noch keine kommentare.{0,80}"
    r"|(?:ancora )?nessun commento.{0,80}|комментариев (?:пока )?нет.{0,80}|अभी तक कोई टिप्पणी नहीं.{0,80}"
    r"|belum ada komentar.{0,80}|henüz (?:hiç )?yorum (?:yok|yapılmamış).{0,80}"
    r"|(?:まだ)?コメントは(?:まだ)?ありません.{0,60}|لا توجد تعليقات(?: بعد)?.{0,80}"
    # "try our AI features" panels
    r"|try our ai(?: features| tools)?.{0,20}"
    rf"|(?:prueba|experimente|essayez|testen sie|prova|попробуйте|आज़माएं|coba|deneyin|جرّب|جرب).{{0,30}}{_AI}.{{0,30}}"
    r")\s*[.…:!]*$",
    re.IGNORECASE,
)
# Searched, not anchored (a leading wildcard would backtrack on every line), in short lines only:
# a short line naming the AI that introduces a list ("See what Newsdeck AI can do for you:").
_AI_PANEL = re.compile(rf"{_AI}.{{0,80}}\s?[:：]\s*$|{_AI}.{{0,20}}(?:でできること|を試す|を試そう)", re.IGNORECASE)
AI_PANEL_CHARS = 160
# Verb last (Hindi, Turkish): "हमारे एआई फीचर आज़माएं", "yapay zekâ özelliklerini deneyin";
# searched only in short lines holding one of the verbs (a plain substring test first).
_AI_VERB_LAST = re.compile(rf"^.{{0,20}}{_AI}.{{0,30}}(?:आज़माएं|आजमाएं|deneyin|dene)\s*[.…:!]*$",
                           re.IGNORECASE)
_VERBS_LAST = ("आज़माएं", "आजमाएं", "dene")

EDGE = re.compile(
    r"^(?:"
    # app and newsletter invitations
    r"(?:download|get|install) (?:the|our) (?:free )?.{0,40}\bapp\b.{0,120}"
    r"|(?:descarga|descargue|baixe|télécharge[zr]|laden sie|scarica|скачайте|установите|unduh|indirin|ダウンロード).{0,60}"
    r"(?:app|aplicativo|application|aplicación|applicazione|приложение|aplikasi|uygulama|アプリ).{0,120}"
    r")$",
    re.IGNORECASE,
)
_EDGE_SEARCH = re.compile(
    r"install the free .{0,40} app\b|(?:uygulamasını|アプリを|aplikasi).{0,40}(?:indirin|ダウンロード|unduh)"
    r"|ऐप (?:इंस्टॉल|इन्स्टॉल|डाउनलोड) कर"
    r"|(?:delivered to|in) your inbox|en tu correo|no seu e-mail|dans votre boîte|in ihr postfach|nella tua casella"
    r"|на вашу почту"
    # cookie notices
    r"|cookie|kuki|कुकी|çerez|クッキー|ملفات تعريف الارتباط",
    re.IGNORECASE,
)
EDGE_SEARCH_CHARS = 280
_EDGE_WORDS = ("install the free", "uygulamasını", "アプリを", "aplikasi", "ऐप ", "inbox", "correo", "e-mail", "boîte",
               "postfach", "casella", "почту", "cookie", "kuki", "कुकी", "çerez", "クッキー", "ملفات تعريف الارتباط")


# A bare ad label glued to the paragraph after it ("PubblicitàIl progetto ..."): the capital
# right after the label is the seam (<br> layouts lose the element boundary).
AD_LABEL_GLUED = re.compile(
    r"^(?:Advertisement|Advertising|ADVERTISEMENT|Publicidad|Publicidade|Publicité|Anzeige|"
    r"Werbung|Pubblicità|Реклама|Iklan|Reklam)(?=[A-ZÀ-ÖØ-ÞА-ЯЁ][a-zà-öø-ÿа-яё])")


def strip_marker(line: str) -> str:
    """The line without an ad marker glued to its front; unchanged unless what follows starts a
    sentence (a capital or a caseless script), so prose that merely begins alike stays whole."""
    glued = AD_LABEL_GLUED.match(line)
    if glued is not None:
        return line[glued.end():]
    m = AD_PREFIX.match(line)
    if m is None:
        return line
    rest = line[m.end():]
    if ANYWHERE.match(line) and ANYWHERE.match(line).end() >= len(line.rstrip(" .…:!")):
        return line  # the whole line is the marker ("... بعد الإعلان"): dropped as noise later
    return rest if rest[:1].isalpha() and not rest[:1].islower() else line


def is_body_noise(line: str, edge: bool) -> bool:
    """A widget sentence: ANYWHERE always, EDGE only when the line is near the story's ends."""
    if len(line) > 300:  # prose, not a widget
        return False
    if ANYWHERE.match(line):
        return True
    if len(line) <= 80 and any(v in line for v in _VERBS_LAST) and _AI_VERB_LAST.match(line):
        return True
    tail = line.rstrip()[-1:]
    if len(line) <= AI_PANEL_CHARS and (tail in (":", "：") or "でできること" in line or "を試" in line) \
            and _AI_PANEL.search(line):
        return True
    if not edge:
        return False
    if EDGE.match(line):
        return True
    low = line.lower()  # plain substring tests first: a regex search over every line is slow
    return len(line) <= EDGE_SEARCH_CHARS and any(w in low for w in _EDGE_WORDS) and bool(_EDGE_SEARCH.search(line))
