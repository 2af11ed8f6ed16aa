"""Words news pages use for times, per language, in lower case.

Tables, not code: adding a language is adding rows. Keys are what appears on the page after
:func:`crawler.timestamps.clean.normalise` (lower case, typographic apostrophes made ASCII,
native digits made ASCII). Units are canonical names: second, minute, hour, day, week, month,
year. A unit entry is ``word -> (unit, count)`` where ``count`` is the number the word carries
by itself: 1 for a plain singular ("час", "sejam"), 2 for an Arabic dual ("ساعتين"), and
``None`` when the word needs a number in front of it ("hours").
"""

from __future__ import annotations

from . import lexicon_indic as _indic

FEW = -1  # sentinel count for "a few", "unos", "несколько" ...: see timestamps.FEW_* rules

# Units that are written after a number and before a suffix "ago" word
# (English, Italian, Russian, Chinese, Japanese, Korean, Hindi, Indonesian, Turkish, es/pt "atrás").
_EN_UNITS = {
    "s": "second", "sec": "second", "secs": "second", "second": "second", "seconds": "second",
    "m": "minute", "min": "minute", "mins": "minute", "minute": "minute", "minutes": "minute",
    "mn": "minute",
    "h": "hour", "hr": "hour", "hrs": "hour", "hour": "hour", "hours": "hour",
    "d": "day", "day": "day", "days": "day",
    "w": "week", "wk": "week", "wks": "week", "week": "week", "weeks": "week",
    "mo": "month", "mos": "month", "mth": "month", "mths": "month", "month": "month",
    "months": "month",
    "y": "year", "yr": "year", "yrs": "year", "year": "year", "years": "year",
}
_ES_PT_UNITS = {
    "segundo": "second", "segundos": "second", "seg": "second",
    "minuto": "minute", "minutos": "minute", "min": "minute",
    "hora": "hour", "horas": "hour", "h": "hour", "hs": "hour",
    "día": "day", "días": "day", "dia": "day", "dias": "day", "d": "day",
    "semana": "week", "semanas": "week",
    "mes": "month", "meses": "month", "mês": "month",
    "año": "year", "años": "year", "ano": "year", "anos": "year",
}
_FR_UNITS = {
    "seconde": "second", "secondes": "second", "s": "second", "sec": "second",
    "minute": "minute", "minutes": "minute", "min": "minute", "mn": "minute",
    "heure": "hour", "heures": "hour", "h": "hour",
    "jour": "day", "jours": "day", "j": "day",
    "semaine": "week", "semaines": "week",
    "mois": "month",
    "an": "year", "ans": "year", "année": "year", "années": "year",
}
_DE_UNITS = {
    "sekunde": "second", "sekunden": "second", "sek": "second",
    "minute": "minute", "minuten": "minute", "min": "minute",
    "stunde": "hour", "stunden": "hour", "std": "hour",
    "tag": "day", "tagen": "day", "tage": "day", "tg": "day",
    "woche": "week", "wochen": "week",
    "monat": "month", "monaten": "month", "monate": "month",
    "jahr": "year", "jahren": "year", "jahre": "year",
}
_IT_UNITS = {
    "secondo": "second", "secondi": "second",
    "minuto": "minute", "minuti": "minute", "min": "minute",
    "ora": "hour", "ore": "hour", "h": "hour",
    "giorno": "day", "giorni": "day", "gg": "day",
    "settimana": "week", "settimane": "week",
    "mese": "month", "mesi": "month",
    "anno": "year", "anni": "year",
}
_RU_UNITS = {
    "секунда": "second", "секунду": "second", "секунды": "second", "секунд": "second",
    "сек": "second",
    "минута": "minute", "минуту": "minute", "минуты": "minute", "минут": "minute",
    "мин": "minute",
    "час": "hour", "часа": "hour", "часов": "hour", "ч": "hour",
    "день": "day", "дня": "day", "дней": "day", "дн": "day",
    "неделя": "week", "неделю": "week", "недели": "week", "недель": "week", "нед": "week",
    "месяц": "month", "месяца": "month", "месяцев": "month", "мес": "month",
    "год": "year", "года": "year", "лет": "year",
}
_AR_UNITS = {
    "ثانية": "second", "ثوان": "second", "ثواني": "second", "ثوانٍ": "second",
    "دقيقة": "minute", "دقائق": "minute", "دقيقه": "minute",
    "ساعة": "hour", "ساعات": "hour", "ساعه": "hour",
    "يوم": "day", "أيام": "day", "ايام": "day",
    "أسبوع": "week", "اسبوع": "week", "أسابيع": "week", "اسابيع": "week",
    "شهر": "month", "أشهر": "month", "اشهر": "month", "شهور": "month",
    "سنة": "year", "سنوات": "year", "سنين": "year", "عام": "year", "أعوام": "year",
    "اعوام": "year",
}
_AR_DUALS = {
    "ثانيتين": "second", "دقيقتين": "minute", "ساعتين": "hour", "يومين": "day",
    "أسبوعين": "week", "اسبوعين": "week", "شهرين": "month", "سنتين": "year", "عامين": "year",
}
_CJK_UNITS = {
    # Chinese
    "秒": "second", "秒钟": "second", "秒鐘": "second",
    "分钟": "minute", "分鐘": "minute", "分": "minute",
    "小时": "hour", "小時": "hour", "个小时": "hour", "個小時": "hour", "钟头": "hour",
    "天": "day", "日": "day",
    "周": "week", "週": "week", "星期": "week", "个星期": "week", "個星期": "week",
    "个月": "month", "個月": "month", "月": "month",
    "年": "year",
    # Japanese
    "時間": "hour", "週間": "week", "ヶ月": "month", "か月": "month", "カ月": "month",
    "ヵ月": "month", "ケ月": "month",
    # Korean
    "초": "second", "분": "minute", "시간": "hour", "일": "day", "주": "week", "주일": "week",
    "개월": "month", "달": "month", "년": "year",
}
_HI_UNITS = {
    "सेकंड": "second", "सेकेंड": "second",
    "मिनट": "minute",
    "घंटा": "hour", "घंटे": "hour", "घंटों": "hour", "घण्टे": "hour",
    "दिन": "day", "दिनों": "day",
    "सप्ताह": "week", "हफ्ता": "week", "हफ्ते": "week", "हफ़्ते": "week", "हफ़्ता": "week",
    "महीना": "month", "महीने": "month", "महीनों": "month",
    "साल": "year", "वर्ष": "year",
}
_ID_UNITS = {
    "detik": "second", "dtk": "second", "menit": "minute", "mnt": "minute", "jam": "hour", "hari": "day", "minggu": "week",
    "pekan": "week", "bulan": "month", "tahun": "year",
}
_ID_SE = {  # Indonesian se- forms carry "one": "sejam yang lalu" = an hour ago
    "sedetik": "second", "semenit": "minute", "sejam": "hour", "sehari": "day",
    "seminggu": "week", "sepekan": "week", "sebulan": "month", "setahun": "year",
}
_TR_UNITS = {
    "saniye": "second", "sn": "second", "dakika": "minute", "dk": "minute", "saat": "hour",
    "sa": "hour", "gün": "day", "hafta": "week", "ay": "month", "yıl": "year", "sene": "year",
}
_RU_BARE = {  # Russian singular accusative without a number: "час назад" = an hour ago
    "секунду": "second", "минуту": "minute", "час": "hour", "день": "day", "неделю": "week",
    "месяц": "month", "год": "year",
}


def _units(*tables: dict[str, str], count: int | None = None) -> dict[str, tuple[str, int | None]]:
    out: dict[str, tuple[str, int | None]] = {}
    for table in tables:
        for word, unit in table.items():
            out[word] = (unit, count)
    return out


# Units that follow a number and precede a suffix ago-word.
SUFFIX_UNITS = _units(
    _EN_UNITS, _ES_PT_UNITS, _IT_UNITS, _RU_UNITS, _CJK_UNITS, _HI_UNITS, _ID_UNITS,
    _TR_UNITS, _DE_UNITS, _indic.SUFFIX_UNITS,
)
# Words that are a unit and a count at once, allowed with no number before a suffix ago-word.
SUFFIX_BARE_UNITS = {**_units(_RU_BARE, _ID_SE, count=1)}
# Units after a prefix ago-word ("hace", "il y a", "vor", "منذ").
# Arabic singulars carry "one" ("منذ ساعة" = an hour ago), duals "two"; plurals need a number.
_AR_PLURALS = frozenset({"ثوان", "ثواني", "ثوانٍ", "دقائق", "ساعات", "أيام", "ايام", "أسابيع",
                         "اسابيع", "أشهر", "اشهر", "شهور", "سنوات", "سنين", "أعوام", "اعوام"})
PREFIX_UNITS = {
    **_units(_ES_PT_UNITS, _FR_UNITS, _DE_UNITS, _EN_UNITS),
    **{w: (u, None if w in _AR_PLURALS else 1) for w, u in _AR_UNITS.items()},
    **_units(_AR_DUALS, count=2),
}

# App-style ages standing alone ("35m", "2h", "22 Std.", "4 ч", "13 sa", "15 mnt"): a time slot
# with no ago-word still means ago. Short forms that mean another unit in one language are
# overridden for that language only (Indonesian "hr" is hari, a day).
COMPACT_UNITS = {
    "s": "second", "sec": "second", "sek": "second", "сек": "second", "sn": "second", "dtk": "second",
    "m": "minute", "min": "minute", "mins": "minute", "mn": "minute", "мин": "minute", "dk": "minute",
    "mnt": "minute",
    "h": "hour", "hr": "hour", "hrs": "hour", "std": "hour", "ч": "hour", "sa": "hour", "jam": "hour",
    "d": "day", "tg": "day", "д": "day", "дн": "day", "j": "day", "gg": "day",
    "w": "week", "wk": "week", "нед": "week",
    "mo": "month", "мес": "month",
    "y": "year", "yr": "year",
}
COMPACT_UNITS_LANG = {"id": {"hr": "day"}, "tr": {"g": "day"}}

SUFFIX_AGO = (
    "ago", "back", "fa", "назад", "前", "以前", "之前", "전", "yang lalu", "lalu", "önce",
    "evvel", "पहले", "atrás", "atras", *_indic.SUFFIX_AGO,
)
PREFIX_AGO = ("hace", "há", "ha", "il y a", "vor", "منذ", "قبل", "faz")

NUMBER_WORDS: dict[str, int] = {
    # English
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "couple of": 2,
    "a few": FEW, "few": FEW, "several": FEW,
    # Spanish / Portuguese
    "un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "um": 1, "uma": 1, "dois": 2, "duas": 2,
    "três": 3, "unos": FEW, "unas": FEW, "algunos": FEW, "algunas": FEW, "alguns": FEW,
    "algumas": FEW, "poucos": FEW,
    # French
    "une": 1, "deux": 2, "trois": 3, "quelques": FEW,
    # German
    "ein": 1, "eine": 1, "einem": 1, "einer": 1, "zwei": 2, "drei": 3, "wenigen": FEW,
    "einigen": FEW, "ein paar": FEW,
    # Italian
    "un'": 1, "due": 2, "pochi": FEW, "alcuni": FEW,
    # Russian
    "один": 1, "одну": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "несколько": FEW,
    # Chinese / Japanese / Korean
    "一": 1, "两": 2, "兩": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
    "九": 9, "十": 10, "几": FEW, "幾": FEW, "数": FEW, "한": 1, "두": 2, "세": 3, "몇": FEW,
    # Hindi
    "एक": 1, "दो": 2, "तीन": 3, "कुछ": FEW,
    # Indonesian
    "satu": 1, "dua": 2, "tiga": 3, "beberapa": FEW,
    # Turkish
    "bir": 1, "iki": 2, "üç": 3, "birkaç": FEW,
    # Arabic
    "بضع": FEW, "بضعة": FEW,
    # Tamil, Bengali, Urdu
    **_indic.NUMBER_WORDS,
}

# "Just now" and its equivalents: the text ends with one of these (after any label). Value:
# seconds back. Words that also mean something else ("now", "ora", "今") are in JUST_NOW_ALONE and
# count only when they are the whole text.
JUST_NOW: dict[str, int] = {
    "just now": 0, "right now": 0, "now": 0, "moments ago": 0, "a moment ago": 0,
    "just in": 0, "seconds ago": 0, "a few seconds ago": 0, "few seconds ago": 0,
    "ahora": 0, "ahora mismo": 0, "justo ahora": 0, "hace un momento": 0,
    "hace unos segundos": 0, "hace instantes": 0,
    "agora": 0, "agora mesmo": 0, "há pouco": 0, "há instantes": 0, "há alguns segundos": 0,
    "à l'instant": 0, "a l'instant": 0, "maintenant": 0, "il y a quelques secondes": 0,
    "gerade eben": 0, "soeben": 0, "jetzt": 0, "gerade": 0, "vor wenigen sekunden": 0,
    "adesso": 0, "proprio ora": 0, "poco fa": 0, "pochi secondi fa": 0, "ora": 0,
    "только что": 0, "сейчас": 0, "прямо сейчас": 0, "несколько секунд назад": 0,
    "الآن": 0, "الان": 0, "منذ لحظات": 0, "للتو": 0, "منذ ثوان": 0,
    "刚刚": 0, "刚才": 0, "剛剛": 0, "剛才": 0, "现在": 0, "現在": 0,
    "たった今": 0, "今": 0, "ちょうど今": 0, "今さっき": 0,
    "방금": 0, "방금 전": 0, "지금": 0, "조금 전": 0,
    "अभी": 0, "अभी अभी": 0, "अभी-अभी": 0, "कुछ सेकंड पहले": 0,
    "baru saja": 0, "sekarang": 0, "barusan": 0, "beberapa detik yang lalu": 0,
    "az önce": 0, "şimdi": 0, "şu anda": 0, "demin": 0, "birkaç saniye önce": 0,
    # half an hour: a fixed duration, not a count
    "half an hour ago": 1800, "hace media hora": 1800, "há meia hora": 1800,
    "il y a une demi-heure": 1800, "vor einer halben stunde": 1800, "mezz'ora fa": 1800,
    "полчаса назад": 1800, "منذ نصف ساعة": 1800, "半小时前": 1800, "半小時前": 1800,
    "30分前": 1800, "30분 전": 1800, "आधा घंटा पहले": 1800, "setengah jam yang lalu": 1800,
    "yarım saat önce": 1800,
    **_indic.JUST_NOW,
    **dict.fromkeys(_indic.JUST_NOW_ALONE, 0),
}

JUST_NOW_ALONE = frozenset({
    "now", "ahora", "agora", "maintenant", "jetzt", "gerade", "adesso", "ora", "сейчас",
    "الآن", "الان", "现在", "現在", "今", "지금", "अभी", "sekarang", "şimdi",
    *_indic.JUST_NOW_ALONE,
})

# Day words: value is how many local calendar days back.
DAY_WORDS: dict[str, int] = {
    "today": 0, "yesterday": 1, "day before yesterday": 2, "the day before yesterday": 2,
    "hoy": 0, "ayer": 1, "anteayer": 2, "antier": 2,
    "hoje": 0, "ontem": 1, "anteontem": 2,
    "aujourd'hui": 0, "hier": 1, "avant-hier": 2,
    "heute": 0, "gestern": 1, "vorgestern": 2,
    "oggi": 0, "ieri": 1, "l'altro ieri": 2, "altroieri": 2,
    "сегодня": 0, "вчера": 1, "позавчера": 2,
    "اليوم": 0, "أمس": 1, "امس": 1, "الأمس": 1, "أول أمس": 2,
    "今天": 0, "昨天": 1, "前天": 2, "今日": 0, "昨日": 1, "一昨日": 2, "おととい": 2,
    "오늘": 0, "어제": 1, "그저께": 2, "그제": 2,
    "आज": 0, "कल": 1,
    "hari ini": 0, "kemarin": 1, "kemarin lusa": 2,
    "bugün": 0, "dün": 1, "evvelsi gün": 2,
    **_indic.DAY_WORDS,
}
# Day words that mean something else in another language: only used when lang agrees.
DAY_WORDS_LANG = {"hier": ("fr",), "今日": ("ja", "zh", None), **_indic.DAY_WORDS_LANG}

# Future words: a text that is one of these (or contains one as its time) is not a publication time.
FUTURE_WORDS = (
    "tomorrow", "mañana", "amanhã", "demain", "domani", "завтра", "غدا", "غداً", "明天",
    "明日", "내일", "besok", "yarın", "आने वाले", *_indic.FUTURE_WORDS,
)
# "in N units" forms, before (prefix) or after (suffix) the number and unit.
FUTURE_PREFIX = ("in", "en", "dentro de", "em", "daqui a", "dans", "tra", "fra", "через", "خلال",
                 "بعد")
FUTURE_SUFFIX = ("后", "後", "후", "sonra", "lagi", "बाद", "later", "from now")

# Month names. Ambiguous short forms (English words, Portuguese numbers) are in MONTHS_LANG.
MONTHS: dict[str, int] = {}
_MONTH_ROWS = [
    # English
    "january jan", "february feb", "march mar", "april apr", "may", "june jun",
    "july jul", "august aug", "september sep sept", "october oct", "november nov",
    "december dec",
    # Spanish
    "enero ene", "febrero", "marzo", "abril abr", "mayo", "junio", "julio",
    "agosto", "septiembre setiembre", "octubre", "noviembre", "diciembre dic",
    # Portuguese
    "janeiro", "fevereiro fev", "março marco", "", "maio mai", "junho", "julho", "",
    "setembro", "outubro", "novembro", "dezembro",
    # French
    "janvier janv", "février fevrier févr fevr", "mars", "avril avr", "", "juin",
    "juillet juil", "août aout", "septembre", "octobre", "novembre", "décembre decembre déc",
    # German
    "januar jänner", "februar", "märz mär mrz", "", "", "juni", "juli", "", "",
    "oktober okt", "", "dezember",
    # Italian
    "gennaio gen", "febbraio", "", "aprile", "maggio mag", "giugno giu", "luglio lug",
    "", "settembre", "ottobre ott", "", "dicembre",
    # Russian (genitive as in dates, and nominative)
    "января январь янв", "февраля февраль фев", "марта март", "апреля апрель апр",
    "мая май", "июня июнь", "июля июль", "августа август авг", "сентября сентябрь сен",
    "октября октябрь окт", "ноября ноябрь ноя", "декабря декабрь дек",
    # Indonesian
    "januari", "februari", "maret", "", "mei", "", "", "agustus agu agt", "", "",
    "", "desember des",
    # Turkish
    "ocak", "şubat", "mart", "nisan", "mayıs", "haziran", "temmuz", "ağustos", "eylül",
    "ekim", "kasım", "aralık",
    # Hindi
    "जनवरी", "फ़रवरी फरवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त",
    "सितंबर सितम्बर", "अक्टूबर अक्तूबर", "नवंबर नवम्बर", "दिसंबर दिसम्बर",
    # Arabic (Egyptian/Gulf and Levantine names)
    "يناير", "فبراير", "مارس", "أبريل ابريل إبريل", "مايو", "يونيو", "يوليو",
    "أغسطس اغسطس", "سبتمبر", "أكتوبر اكتوبر", "نوفمبر", "ديسمبر",
    "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب",
    "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول",
]
for _i, _row in enumerate(_MONTH_ROWS):
    if not _row:
        continue
    _month = _i % 12 + 1
    if _row.startswith(("كانون", "تشرين")):
        MONTHS[_row] = _month
    else:
        for _word in _row.split():
            MONTHS[_word] = _month

MONTHS.update(_indic.MONTHS)

MONTHS_LANG: dict[str, tuple[int, tuple[str, ...]]] = {
    "ago": (8, ("es", "pt", "it")),
    "set": (9, ("pt", "it")),
    "out": (10, ("pt",)),
    "dez": (12, ("pt", "de")),
    "abr": (4, ("es", "pt")),
    **_indic.MONTHS_LANG,
}

# Words that make a clock time afternoon / morning.
PM_WORDS = ("pm", "p.m.", "p.m", "下午", "午後", "오후", "晚上", "sore", "malam")
AM_WORDS = ("am", "a.m.", "a.m", "上午", "午前", "오전", "早上", "凌晨", "pagi")
