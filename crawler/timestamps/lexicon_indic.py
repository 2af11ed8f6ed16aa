"""Words for times in the Indian languages beyond Hindi, each in its own script.

Tamil, Bengali, Marathi, Telugu, Kannada, Malayalam, Gujarati, Punjabi (Gurmukhi) and Urdu.
The words come from CLDR (relative-time patterns, day words, month names) and dateparser's
language data, plus the forms news and app pages print that those tables spell differently
("மணி நேரம் முன்பு" beside CLDR's "மணிநேரம் முன்"). :mod:`crawler.timestamps.lexicon` merges
these tables into its own; they are kept apart only so each language reads as one block.

Every key is stored as :func:`crawler.timestamps.clean.normalise` leaves page text: NFC (which
splits nukta letters such as "ਫ਼" into base and nukta) and without zero-width joiners (CLDR's
Malayalam "ഒക്‌ടോബർ" carries one). Malayalam words with a chillu letter ("ർ") are also stored in
the older encoding pages still carry, consonant + virama + zero-width joiner, which normalising
leaves as consonant + virama ("ര്"). Month abbreviations are kept only where they are not also an
everyday word of the language (Tamil "ஆக" is "as", Kannada "ಆಗ" is "then", "ಜನ"/"జన" are "people"),
and count only on a page in that language.
"""

from __future__ import annotations

import unicodedata

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def key(word: str) -> str:
    """A table word as it appears in normalised, lower-cased page text."""
    return unicodedata.normalize("NFC", word.translate(_ZERO_WIDTH)).lower()


def _units(**by_unit: str) -> dict[str, str]:
    """``hour="a b c"`` -> {"a": "hour", ...}; "_" joins a multi-word unit ("மணி_நேரம்")."""
    return {key(w.replace("_", " ")): unit for unit, words in by_unit.items() for w in words.split()}


# One row per language: units written after a number and before the ago-word, the ago-words.
SUFFIX_UNITS: dict[str, str] = {
    **_units(  # Tamil: "2 மணி நேரம் முன்பு", "45 நிமிடங்களுக்கு முன்", "5 ம. முன்"
        second="விநாடி விநாடிகள் விநாடிகளுக்கு விநாடிக்கு விநா வி",
        minute="நிமிடம் நிமிடங்கள் நிமிடங்களுக்கு நிமிடத்திற்கு நிமி நி",
        hour="மணி மணிநேரம் மணி_நேரம் மணிநேரங்கள் மணி_நேரங்கள் மணிநேரத்திற்கு "
             "மணி_நேரத்திற்கு ம",
        day="நாள் நாட்கள் நாட்களுக்கு நாளுக்கு நா",
        week="வாரம் வாரங்கள் வாரங்களுக்கு வாரத்திற்கு வார வா",
        month="மாதம் மாதங்கள் மாதங்களுக்கு மாதத்துக்கு மாத மா",
        year="ஆண்டு ஆண்டுகள் ஆண்டுகளுக்கு ஆண்டிற்கு ஆ",
    ),
    **_units(  # Bengali: "৫ ঘণ্টা আগে", "১ বছর পূর্বে"
        second="সেকেন্ড", minute="মিনিট", hour="ঘণ্টা ঘন্টা", day="দিন", week="সপ্তাহ",
        month="মাস", year="বছর বৎসর সাল",
    ),
    **_units(  # Marathi, unit and ago-word glued: "२ तासांपूर्वी", "५ मिनि. पूर्वी"
        second="सेकंद सेकंदां सेकंदा",
        minute="मिनिट मिनिटां मिनिटा मिनि",
        hour="तास तासां तासा",
        day="दिवस दिवसां दिवसा",
        week="आठवडा आठवड्यां आठवड्या",
        month="महिना महिन्यां महिन्या",
        year="वर्षां वर्षा",
    ),
    **_units(  # Telugu: "2 గంటల క్రితం", "5 గం. క్రితం"
        second="సెకను సెకన్ల సెక", minute="నిమిషం నిమిషాల నిమిషము నిమి",
        hour="గంట గంటల గంటలు గం", day="రోజు రోజుల దినం", week="వారం వారాల వారము",
        month="నెల నెలల", year="సంవత్సరం సంవత్సరాల సం",
    ),
    **_units(  # Kannada: "2 ಗಂಟೆಗಳ ಹಿಂದೆ"
        second="ಸೆಕೆಂಡ್ ಸೆಕೆಂಡುಗಳ", minute="ನಿಮಿಷ ನಿಮಿಷಗಳ ನಿಮಿಷದ", hour="ಗಂಟೆ ಗಂಟೆಗಳ ಗಂಟೆಗಳು",
        day="ದಿನ ದಿನಗಳ ದಿನದ", week="ವಾರ ವಾರಗಳ ವಾರದ", month="ತಿಂಗಳು ತಿಂಗಳ ತಿಂಗಳುಗಳ",
        year="ವರ್ಷ ವರ್ಷಗಳ ವರ್ಷದ",
    ),
    **_units(  # Malayalam: "2 മണിക്കൂർ മുമ്പ്"
        second="സെക്കൻഡ്", minute="മിനിറ്റ്", hour="മണിക്കൂർ", day="ദിവസം", week="ആഴ്ച",
        month="മാസം", year="വർഷം",
    ),
    **_units(  # Gujarati: "૨ કલાક પહેલાં"
        second="સેકન્ડ સેકંડ", minute="મિનિટ", hour="કલાક", day="દિવસ",
        week="અઠવાડિયા અઠવાડિયું", month="મહિના મહિનો", year="વર્ષ",
    ),
    **_units(  # Punjabi: "2 ਘੰਟੇ ਪਹਿਲਾਂ" (weeks also written without the nukta)
        second="ਸਕਿੰਟ", minute="ਮਿੰਟ", hour="ਘੰਟਾ ਘੰਟੇ", day="ਦਿਨ",
        week="ਹਫ਼ਤਾ ਹਫ਼ਤੇ ਹਫਤਾ ਹਫਤੇ", month="ਮਹੀਨਾ ਮਹੀਨੇ", year="ਸਾਲ",
    ),
    **_units(  # Urdu: "2 گھنٹے پہلے", "3 ماہ قبل"
        second="سیکنڈ", minute="منٹ", hour="گھنٹہ گھنٹے", day="دن دنوں", week="ہفتہ ہفتے",
        month="ماہ مہینہ مہینے", year="سال",
    ),
}
# Number words before a unit, where pages write them: "ஒரு மணி நேரம் முன்பு", "এক ঘণ্টা আগে",
# "দুই দিন আগে", "ایک گھنٹہ پہلے" (Marathi "एक" is Hindi's, already in the main table).
NUMBER_WORDS = {key(w): n for w, n in (("ஒரு", 1), ("এক", 1), ("দুই", 2), ("ایک", 1))}

SUFFIX_AGO = tuple(key(w) for w in (
    "முன்பு", "முன்",  # Tamil
    "আগে", "পূর্বে",  # Bengali
    "पूर्वी",  # Marathi
    "క్రితం",  # Telugu
    "ಹಿಂದೆ",  # Kannada
    "മുമ്പ്",  # Malayalam
    "પહેલાં", "પહેલા",  # Gujarati
    "ਪਹਿਲਾਂ",  # Punjabi
    "پہلے", "قبل",  # Urdu
))

# "just now": phrases that may end a label, and words that count only as the whole text.
JUST_NOW = {key(w): 0 for w in (
    "சற்று முன்", "சற்று முன்பு", "এইমাত্র", "ఇప్పుడే", "ಈಗಷ್ಟೆ", "ابھی ابھی",
)}
JUST_NOW[key("কিছুক্ষণ আগে")] = 300  # "a little while ago": a few (5) minutes, as in English
JUST_NOW_ALONE = frozenset(key(w) for w in (
    "இப்போது", "এখন", "आत्ता", "ప్రస్తుతం", "ಈಗ", "ഇപ്പോൾ", "હમણાં", "ਹੁਣ", "اب",
))

# Day words: local calendar days back.
DAY_WORDS = {key(w): n for w, n in (
    ("இன்று", 0), ("நேற்று", 1), ("நேற்று முன்தினம்", 2),
    ("আজ", 0), ("গতকাল", 1), ("গত পরশু", 2),
    ("काल", 1),
    ("ఈ రోజు", 0), ("ఈరోజు", 0), ("నిన్న", 1), ("మొన్న", 2),
    ("ಇಂದು", 0), ("ನಿನ್ನೆ", 1), ("ಮೊನ್ನೆ", 2),
    ("ഇന്ന്", 0), ("ഇന്നലെ", 1), ("മിനിഞ്ഞാന്ന്", 2),
    ("આજે", 0), ("ગઈકાલે", 1), ("ગયા પરમદિવસે", 2),
    ("ਅੱਜ", 0), ("ਕੱਲ੍ਹ", 1), ("ਬੀਤਿਆ ਕੱਲ੍ਹ", 1),
    ("آج", 0), ("کل", 1), ("گزشتہ کل", 1),
)}
# Marathi "काल" is Hindi "time"; Urdu "کل" is Persian "whole": only on pages that may be theirs.
DAY_WORDS_LANG = {key("काल"): ("mr", None), key("کل"): ("ur", None)}

FUTURE_WORDS = tuple(key(w) for w in (
    "நாளை", "আগামীকাল", "उद्या", "రేపు", "ನಾಳೆ", "നാളെ", "આવતીકાલે", "ਭਲਕੇ", "آئندہ کل",
))

# Full month names, January first, one row per language.
_MONTH_ROWS = {
    "ta": "ஜனவரி பிப்ரவரி மார்ச் ஏப்ரல் மே ஜூன் ஜூலை ஆகஸ்ட் செப்டம்பர் அக்டோபர் நவம்பர் டிசம்பர்",
    "bn": "জানুয়ারি ফেব্রুয়ারি মার্চ এপ্রিল মে জুন জুলাই আগস্ট সেপ্টেম্বর অক্টোবর নভেম্বর "
          "ডিসেম্বর",
    "mr": "जानेवारी फेब्रुवारी मार्च एप्रिल - जून जुलै ऑगस्ट सप्टेंबर ऑक्टोबर नोव्हेंबर डिसेंबर",
    "te": "జనవరి ఫిబ్రవరి మార్చి ఏప్రిల్ మే జూన్ జులై ఆగస్టు సెప్టెంబర్ అక్టోబర్ నవంబర్ డిసెంబర్",
    "kn": "ಜನವರಿ ಫೆಬ್ರವರಿ ಮಾರ್ಚ್ ಏಪ್ರಿಲ್ ಮೇ ಜೂನ್ ಜುಲೈ ಆಗಸ್ಟ್ ಸೆಪ್ಟೆಂಬರ್ ಅಕ್ಟೋಬರ್ ನವೆಂಬರ್ ಡಿಸೆಂಬರ್",
    "ml": "ജനുവരി ഫെബ്രുവരി മാർച്ച് ഏപ്രിൽ മേയ് ജൂൺ ജൂലൈ ഓഗസ്റ്റ് സെപ്റ്റംബർ ഒക്‌ടോബർ നവംബർ "
          "ഡിസംബർ",
    "gu": "જાન્યુઆરી ફેબ્રુઆરી માર્ચ એપ્રિલ મે જૂન જુલાઈ ઑગસ્ટ સપ્ટેમ્બર ઑક્ટોબર નવેમ્બર ડિસેમ્બર",
    "pa": "ਜਨਵਰੀ ਫ਼ਰਵਰੀ ਮਾਰਚ ਅਪ੍ਰੈਲ ਮਈ ਜੂਨ ਜੁਲਾਈ ਅਗਸਤ ਸਤੰਬਰ ਅਕਤੂਬਰ ਨਵੰਬਰ ਦਸੰਬਰ",
    "ur": "جنوری فروری مارچ اپریل مئی جون جولائی اگست ستمبر اکتوبر نومبر دسمبر",
}
# Other spellings of full names, used wherever they appear.
_MONTH_VARIANTS = {
    "জানুয়ারী": 1, "ফেব্রুয়ারী": 2, "ਫਰਵਰੀ": 2,
}
# Abbreviations (CLDR), counted only on a page in their language; "मे" (Marathi May) is also a
# common Hindi misspelling of "में" (in), so it is Marathi-only too.
_MONTH_ABBREVIATIONS = {
    "ta": {"ஜன": 1, "பிப்": 2, "ஏப்": 4, "செப்": 9, "டிச": 12},
    "bn": {"জানু": 1, "ফেব": 2, "এপ্রি": 4, "জুল": 7, "সেপ": 9, "অক্টো": 10, "নভে": 11, "ডিসে": 12},
    "mr": {"जाने": 1, "फेब्रु": 2, "एप्रि": 4, "मे": 5, "ऑग": 8, "सप्टें": 9, "ऑक्टो": 10,
           "नोव्हें": 11, "डिसें": 12},
    "te": {"ఫిబ్ర": 2, "ఏప్రి": 4, "ఆగ": 8, "సెప్టెం": 9, "అక్టో": 10, "నవం": 11, "డిసెం": 12},
    "kn": {"ಫೆಬ್ರ": 2, "ಏಪ್ರಿ": 4, "ಸೆಪ್ಟೆಂ": 9, "ಅಕ್ಟೋ": 10, "ನವೆಂ": 11, "ಡಿಸೆಂ": 12},
    "ml": {"ജനു": 1, "ഫെബ്രു": 2, "ഏപ്രി": 4, "സെപ്റ്റം": 9, "ഒക്ടോ": 10, "നവം": 11, "ഡിസം": 12},
    "gu": {"જાન્યુ": 1, "ફેબ્રુ": 2, "સપ્ટે": 9, "ઑક્ટો": 10, "નવે": 11, "ડિસે": 12},
    "pa": {"ਫ਼ਰ": 2, "ਅਪ੍ਰੈ": 4, "ਜੁਲਾ": 7, "ਸਤੰ": 9, "ਅਕਤੂ": 10, "ਨਵੰ": 11, "ਦਸੰ": 12},
}

MONTHS: dict[str, int] = {key(w): n for w, n in _MONTH_VARIANTS.items()}
for _row in _MONTH_ROWS.values():
    for _n, _word in enumerate(_row.split(), start=1):
        if _word != "-":
            MONTHS[key(_word)] = _n

MONTHS_LANG: dict[str, tuple[int, tuple[str, ...]]] = {}
for _lang, _table in _MONTH_ABBREVIATIONS.items():
    for _word, _n in _table.items():
        _langs = MONTHS_LANG.get(key(_word), (_n, ()))[1]
        MONTHS_LANG[key(_word)] = (_n, (*_langs, _lang))

_CHILLU = {"ൺ": "ണ്", "ൻ": "ന്", "ർ": "ര്", "ൽ": "ല്", "ൾ": "ള്", "ൿ": "ക്"}
_OLD_CHILLU = str.maketrans(_CHILLU)


for _table in (SUFFIX_UNITS, JUST_NOW, DAY_WORDS, MONTHS, MONTHS_LANG):
    for _word in list(_table):
        if any(c in _CHILLU for c in _word):
            _table[_word.translate(_OLD_CHILLU)] = _table[_word]
JUST_NOW_ALONE = frozenset({*JUST_NOW_ALONE, *(w.translate(_OLD_CHILLU) for w in JUST_NOW_ALONE)})

LANGS = tuple(_MONTH_ROWS)
