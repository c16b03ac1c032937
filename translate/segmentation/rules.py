"""Every language rule of the sentence segmenter, in one place.

The splitter only finds candidate boundaries (final punctuation followed by
whitespace); whether a candidate is a real boundary is decided here, so that
abbreviation lists can be read and extended without reading the machinery.
"""

from __future__ import annotations

import enum
import re

from translate import arabic

LANGUAGES = ("ar", "en")

TERMINATORS = ".!?؟⸮…"
"""Sentence-final punctuation; a run of them ("?!", "...") is one terminator."""

STRONG_TERMINATORS = "!?؟⸮"
"""A run holding one of these always ends a sentence (the period and the ellipsis may not)."""

CLOSING_QUOTES = "\"'»”’›“‘«‹"
"""Quotes that close a sentence.  Arabic text often uses “ and « as closing marks, so after
final punctuation every quote closes."""

CLOSERS = CLOSING_QUOTES + ")]}"
"""Closing quotes and brackets that stay with the sentence they close."""

OPENERS = "\"'«“‘‹([{"
"""Opening quotes and brackets skipped when looking at the word after a boundary."""

CONTINUATION = ",;:،؛"
"""No sentence starts with these, so a terminator before them is not a boundary."""

FINAL_PUNCTUATION = re.compile(f"[{re.escape(TERMINATORS)}][{re.escape(CLOSERS)}]*\\Z")
"""A segment matching this ends like a sentence; one that does not is a heading, caption or list item."""

class Kind(enum.Enum):
    """What a word followed by a period is, which says whether the period can end a sentence."""

    WORD = "word"
    """Any ordinary word or number: the period ends the sentence."""
    PREFIX = "prefix"
    """Titles and initials stand before a name: never end a sentence."""
    BEFORE_NUMBER = "before-number"
    """"No. 5", "p. 12": an abbreviation only when a number follows."""
    FINAL_CAPABLE = "final-capable"
    """"U.S.", "a.m.", "Inc.": often inside a sentence, but end one when a typical sentence opener follows."""
    LIST_END = "list-end"
    """"etc.", "إلخ.": close an enumeration, so a following capitalised (or Arabic) word starts a new sentence."""
    LATIN_LETTER = "latin-letter"
    """"A.", "S.": an initial before a name; in Arabic text, before an Arabic word, a letter that
    ends a sentence ("من A إلى B.", "بروتين S.", "الفئة I.": every case in the test sets)."""


# --- English (and Latin-script words inside Arabic text) -------------------

EN_ABBREVIATIONS: dict[str, Kind] = {
    **dict.fromkeys(
        # Titles and ranks.
        ["Mr", "Mrs", "Ms", "Messrs", "Mmes", "Dr", "Drs", "Prof", "Profs", "Rev", "Revd", "Hon", "Fr", "Gen", "Lt", "Col", "Maj", "Capt", "Cmdr", "Adm", "Sgt", "Cpl", "Pvt", "Gov", "Sen", "Sens", "Rep", "Reps", "Pres", "Supt", "Det", "Insp", "Atty", "Mt", "Ft"],
        Kind.PREFIX,
    ),
    # Months are followed by a day or year; "until Oct. President Joko ..." ends a sentence.
    **dict.fromkeys(
        ["Art", "Fig", "Figs", "Vol", "Vols", "Ch", "Sec", "Para", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"],
        Kind.BEFORE_NUMBER,
    ),
    # Saint/Street, Junior/Senior and company suffixes can all close a sentence.
    **dict.fromkeys(["St", "Ave", "Rd", "Blvd", "Jr", "Sr", "Inc", "Ltd", "Co", "Corp", "Bros", "Plc", "Dept", "Univ"], Kind.FINAL_CAPABLE),
}
"""Case-sensitive: "Co." is a company, "co." is not."""

EN_LOWER_ABBREVIATIONS: dict[str, Kind] = {
    **dict.fromkeys(["e.g", "i.e", "cf", "vs", "v", "viz"], Kind.PREFIX),
    **dict.fromkeys(["no", "nos", "p", "pp", "approx", "ca"], Kind.BEFORE_NUMBER),
    "al": Kind.FINAL_CAPABLE,  # "et al."
    "etc": Kind.LIST_END,
}
"""Also matched with a capital first letter ("E.g.", "Vs."), except single letters: "P." is an initial."""

EN_SENTENCE_STARTERS = frozenset(
    ["A", "An", "The", "This", "That", "These", "Those", "There", "Here", "It", "Its", "He", "His", "Him", "She", "Her", "They", "Their", "Them", "We", "Our", "Us", "I", "My", "You", "Your", "But", "And", "Or", "So", "Yet", "Still", "Then", "Now", "Thus", "Hence", "However", "Meanwhile", "Moreover", "Furthermore", "Also", "Instead", "Indeed", "In", "On", "At", "As", "If", "When", "While", "After", "Before", "Since", "Although", "Though", "Because", "Even", "During", "For", "From", "With", "Without", "By", "Some", "Many", "Most", "All", "Both", "Each", "Every", "Several", "Such", "Other", "Another", "No", "Neither", "None", "One", "Two", "Three", "What", "Why", "How", "Who", "Whom", "Whose", "Where", "Which", "Last", "Next", "Earlier", "Later", "Today", "Yesterday", "According"]
)
"""Capitalised function words: after "U.S." or an initial they signal a new sentence, a name does not."""

EN_ATTRIBUTION = frozenset(
    ["said", "says", "added", "asked", "told", "wrote", "tweeted", "shouted", "yelled", "cried", "exclaimed", "replied", "responded", "answered", "explained", "noted", "insisted", "stated", "protested", "laughed", "whispered", "admitted", "argued", "continued", "recalled", "warned", "according"]
)
"""'"Really?" Smith asked.' is one sentence: one of these right after a quote attributes it."""

_LATIN_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_LATIN_INITIAL = re.compile(r"[A-Z]")

# --- Arabic -------------------------------------------------------------------

AR_ABBREVIATIONS: dict[str, Kind] = {
    "إلخ": Kind.LIST_END,
    "الخ": Kind.LIST_END,
}
"""Multi-letter Arabic abbreviations without inner periods.

Single letters (د. أ. م. ج. ع.) and dotted forms (ص.ب. ق.م. أ.د.) are recognised by
shape, not listed.  "إلخ." ends an enumeration and, in the test data, a sentence.
"""

AR_LETTER_NAMES = frozenset(
    [
        "إيه", "أيه", "بي", "سي", "دي", "إي", "إف", "اف", "جي", "إتش", "إيتش", "اتش", "آي", "جيه", "كيه", "كي", "إل", "إم", "ام", "إن", "أو", "كيو", "آر", "ار", "إس", "اس", "تي", "يو", "في", "فى", "دبليو", "إكس", "اكس", "واي", "زد", "زي",
        # longer and other spellings of the same letters (F, J, K, X, M, L, N, I, S)
        "إيف", "جاي", "كاي", "إيكس", "إيم", "إيل", "إين", "أي", "إيس",
    ]
)
"""Latin letters spelled in Arabic: "دي. كي. أريا" (D. K. Arya) are initials,
but "سي إن إن." (CNN.) is an acronym that can end a sentence.  Matched loosely
(:func:`_letter_name`): writers spell the same letter with or without hamza and
with ى for final ي ("جى.", "ايه.", "أف."), so every spelling here stands for all of those."""

# Hamza on alef and a dotless final ي are what writers vary; آ is a long vowel of its own ("آن", Anne, is not N).
_SPELLING = str.maketrans({"أ": "ا", "إ": "ا", "ى": "ي"})
_FOLDED_LETTER_NAMES = frozenset(name.translate(_SPELLING) for name in AR_LETTER_NAMES)


def _letter_name(token: str) -> bool:
    """Whether a token (without its period) is a Latin letter spelled in Arabic, in any of its spellings."""
    return arabic.bare(token).translate(_SPELLING) in _FOLDED_LETTER_NAMES


AR_ATTRIBUTION = frozenset(
    ["قال", "قالت", "أضاف", "أضافت", "كما", "يقول", "تقول", "حسبما", "وفقا", "وفق", "سأل", "سألت", "تساءل", "تساءلت", "صاح", "صرخ", "هتف", "أوضح", "أوضحت", "ذكر", "ذكرت", "أكد", "أكدت"]
)
"""'"يوجد قرش في المياه!" كما أضاف هاميل.' is one sentence: the quote is attributed after it."""

AR_PARTICIPLES = frozenset(["قائلا", "قائلة", "مضيفا", "مضيفة", "متسائلا", "متسائلة", "مشيرا", "مشيرة", "موضحا", "موضحة"])
"""'"…؟" قائلًا: "…"' is one sentence: these adverbial participles ("saying", "adding")
never open one, even before a colon.  Looked up without diacritics (قائلًا is قائلا)."""

ATTRIBUTION = {"en": EN_ATTRIBUTION, "ar": AR_ATTRIBUTION}
ATTRIBUTION_WORDS = 3
"""The speech verb of an attribution comes within this many words after the quote ("Al-Sayib asked, ...")."""

ELLIPSIS_SPLITS = {"en": True, "ar": False}
"""In the Arabic test sets every ellipsis marks a pause inside a sentence;
English marks a new sentence with a capital letter, so there it may split."""

GLUED_TERMINATORS = ".!?؟"
"""Scraped Arabic often loses the space after a sentence ("في 23 يناير 2020.كما ابتكرت"):
one of these between two words, the second Arabic, is a candidate boundary too."""

GLUED_MIN_LETTERS = 2
"""Both words around a glued period need this many letters or digits: "ص.ب" and "ق.م"
are abbreviations, "2020.كما" and "المرض.تتمثل" are two sentences."""

_LIST_MARKER = re.compile(f"[{arabic.WESTERN_DIGIT_RANGE}{arabic.ARABIC_INDIC_DIGIT_RANGE}]{{1,3}}|[ivxIVX]{{1,4}}|\\w")
"""Tokens that number a list item when they open a line ("1. ", "iv. ", "أ. ")."""


def _is_arabic_initials(token: str) -> bool:
    """"د", "ص.ب", "ق.م", "أ.د": one Arabic letter, or several joined by periods."""
    parts = token.split(".")
    return all(len(p) == 1 and arabic.is_letter(p) for p in parts)


def classify(token: str, previous: str, lang: str, at_start: bool) -> Kind:
    """Classify the token before a period.

    ``previous`` is the token before it (for spelled-out acronyms) and
    ``at_start`` says whether the token opens the text (list markers).
    """
    if not token:
        return Kind.WORD
    if at_start and _LIST_MARKER.fullmatch(token):
        return Kind.PREFIX
    word = arabic.bare(token)
    if word in AR_ABBREVIATIONS:
        return AR_ABBREVIATIONS[word]
    if _is_arabic_initials(word):
        return Kind.PREFIX
    if _letter_name(word):
        # "سي إن إن." is an acronym; "دي." after a word or another initial is an initial.
        return Kind.WORD if _letter_name(arabic.bare(previous)) else Kind.PREFIX
    kind = _latin_kind(token)
    if lang == "ar" and kind is Kind.FINAL_CAPABLE:
        # Arabic has no capitals to tell "U.S. President" from a new sentence; keep them together.
        return Kind.PREFIX
    return kind


def _latin_kind(token: str) -> Kind:
    if token in EN_ABBREVIATIONS:
        return EN_ABBREVIATIONS[token]
    lowered = token[:1].lower() + token[1:] if len(token) > 1 else token
    if lowered in EN_LOWER_ABBREVIATIONS:
        return EN_LOWER_ABBREVIATIONS[lowered]
    if _LATIN_INITIAL.fullmatch(token):
        return Kind.LATIN_LETTER
    if _LATIN_DOTTED.fullmatch(token):
        return Kind.FINAL_CAPABLE
    return Kind.WORD


def starts_sentence(kind: Kind, next_word: str, lang: str) -> bool:
    """Whether the word after an abbreviation of this kind opens a new sentence."""
    if kind is Kind.WORD:
        return True
    if kind is Kind.BEFORE_NUMBER:
        return not (next_word[:1].isdigit() or next_word.startswith("#"))
    if kind is Kind.LATIN_LETTER and lang == "ar":
        return arabic.is_letter(next_word[:1])
    if kind in (Kind.FINAL_CAPABLE, Kind.LATIN_LETTER):
        return next_word.rstrip(CONTINUATION) in EN_SENTENCE_STARTERS  # "1 p.m. However, ..."
    if kind is Kind.LIST_END:
        first = next_word[:1]
        return first.isupper() or (lang == "ar" and arabic.is_letter(first))
    return False


def is_glued_boundary(before: str, term: str, after: str) -> bool:
    """Whether ``before`` + ``term`` + ``after`` with no space between is two sentences.

    ``before`` is the text of the word in front of the terminator (back to the last
    whitespace or period), ``after`` the word behind it, which starts with an Arabic letter.
    """
    if term != ".":
        return True
    core = before.rstrip(CLOSERS)
    if sum(ch.isalnum() for ch in arabic.bare(core)) < GLUED_MIN_LETTERS:
        return False
    if _letter_name(arabic.bare(core)):
        return False  # "جون إف.كينيدي": an initial glued to the name
    return sum(ch.isalpha() for ch in arabic.bare(after)) >= GLUED_MIN_LETTERS


NON_JOINING = "اأإآدذرزوؤةىء"
"""Arabic letters that do not join the next one: a space lost after them is invisible on screen, so
scraped text loses exactly these ("كماأضاف" for "كما أضاف")."""


def _glued_to(word: str, verbs: frozenset[str]) -> bool:
    """Whether ``word`` is one of ``verbs`` that ends in a non-joining letter, with the next word glued on."""
    return any(
        word.startswith(verb) and verb[-1] in NON_JOINING and sum(ch.isalpha() for ch in word[len(verb) :]) >= GLUED_MIN_LETTERS
        for verb in verbs
    )


def is_attribution(following: list[str], lang: str) -> bool:
    """Whether the words after a quoted question or exclamation attribute it.

    '"Why?" Smith asked.' and '"...!" كما أضاف هاميل.' are one sentence each.

    The speech verb must come within ``ATTRIBUTION_WORDS`` words, with no punctuation
    before it ("Churches, he added, ..." is a new sentence) and no colon after it
    ('Smith replied: "..."' introduces a new quote).
    """
    verbs = ATTRIBUTION[lang]
    for index, word in enumerate(following[:ATTRIBUTION_WORDS]):
        plain = arabic.bare(word)
        core = plain.strip(OPENERS + CLOSERS + CONTINUATION + TERMINATORS)
        if index == 0 and lang == "en" and core in EN_SENTENCE_STARTERS:
            return False
        if index == 0 and core in AR_PARTICIPLES:
            return True
        if core in verbs or (lang == "ar" and _glued_to(core, verbs)):
            return not plain.endswith(":")
        if not plain[-1:].isalnum():
            return False
    return False
