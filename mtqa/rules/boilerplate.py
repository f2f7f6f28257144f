"""Site boilerplate (BPL): page chrome that was scraped and translated along with the article body.

Section labels, "Lesen Sie auch" links and related-stories headings are not part of the article; left
in, they are published as nonsense lines. The phrases are data (references/boilerplate.tsv plus the
user's own lists); the code matches them at the start of a line, and separately finds ALL-CAPS lines,
the typical form of a translated site name or heading. A line is reported by one rule only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from mtqa.errors import ReferenceDataError
from mtqa.model import Severity
from mtqa.references import load_table
from mtqa.rules.registry import Hit, RuleContext, bad, good, rule

_BULLET = r"(?:[•►▶>*·–—-][ \t]*)*"
_LINE_END = r"[ \t]*[:.!…»>→)–—-]*"
# Chrome lines are short; a longer line is article text (perhaps one that lost its line break after a
# "Lesen Sie auch"), and deleting it would delete content. Only short lines are looked at, which also
# keeps the check cheap.
_MAX_LINE_LENGTH = 160
_WORD = re.compile(r"\w+")
_MIN_CAPITAL_LETTERS = 8
# Lines of acronyms ("NATO, EU UND USA") are text; chrome has at least one real word in capitals.
_MIN_LONGEST_WORD = 5


@dataclass(frozen=True)
class PhrasePatterns:
    """One regex for phrases that make up a whole line, one for phrases that start a line."""

    whole_line: re.Pattern[str] | None
    line_start: re.Pattern[str] | None


def _phrase_regex(phrase: str) -> str:
    words = []
    for word in phrase.split():
        if word.endswith("*"):
            words.append(re.escape(word[:-1]) + r"\w*")
        else:
            words.append(re.escape(word))
    regex = r"[ \t]+".join(words)
    if phrase[-1].isalnum():
        regex += r"(?!\w)"
    return regex


@functools.lru_cache(maxsize=8)
def short_lines(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of the non-blank lines of at most ``_MAX_LINE_LENGTH`` characters, without outer spaces."""
    spans: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if end - start <= _MAX_LINE_LENGTH and not line.isspace() and line:
            spans.append(_strip(text, start, end))
        start = end + 1
    return tuple(spans)


@functools.lru_cache(maxsize=16)
def phrase_patterns(extra: tuple[str, ...] = ()) -> PhrasePatterns:
    """Compile the built-in phrases plus the user's lists, once per distinct tuple of files."""
    by_position: dict[str, list[str]] = {"line": [], "start": []}
    table = load_table("boilerplate", extra)
    for record, origin in zip(table.records(), table.origins, strict=True):
        position = record["position"]
        if position not in by_position:
            raise ReferenceDataError(f"{origin}: position {position!r} is neither 'line' nor 'start'")
        if record["phrase"]:
            by_position[position].append(_phrase_regex(record["phrase"]))

    def compile_group(phrases: list[str], tail: str) -> re.Pattern[str] | None:
        if not phrases:
            return None
        alternation = "|".join(sorted(phrases, key=len, reverse=True))
        return re.compile(rf"{_BULLET}(?:{alternation}){tail}", re.IGNORECASE)

    return PhrasePatterns(
        compile_group(by_position["line"], _LINE_END),
        compile_group(by_position["start"], ""),
    )


def _is_chrome_line(patterns: PhrasePatterns, text: str, start: int, end: int) -> bool:
    if patterns.whole_line is not None and patterns.whole_line.fullmatch(text, start, end):
        return True
    return patterns.line_start is not None and patterns.line_start.match(text, start, end) is not None


def _chrome_lines(context: RuleContext) -> list[tuple[int, int]]:
    """Spans of the short lines that a listed phrase marks as page chrome, in text order."""
    patterns = phrase_patterns(context.options.boilerplate)
    text = context.text
    return [(s, e) for s, e in short_lines(text) if _is_chrome_line(patterns, text, s, e)]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@rule(
    "BPL001",
    "site-chrome-phrase",
    Severity.MAJOR,
    "Page chrome in the article body: delete '{match}'",
    "Calls to action and related-stories headings belong to the website, not to the article; "
    "translated along with it they are published as stray lines that tell the reader the text was "
    "machine-processed.",
    [
        bad("Peskow äußerte sich.\n\n[[Verpassen Sie es nicht]]\n\nMehr Text folgt.", fix=""),
        bad("Peskow äußerte sich.\n\n[[INTERESSANTE MATERIALIEN ZUM THEMA]]", fix=""),
        bad("Peskow äußerte sich.\n[[Lesen Sie auch: Putin trifft Trump]]\nDer Kreml schwieg.", fix=""),
        bad("Peskow äußerte sich.\n\n[[► Abonnieren Sie unseren Telegram-Kanal!]]", fix=""),
        bad("[[Illustratives Foto]]\nPeskow äußerte sich.", fix=""),
        bad("[[Bildergebnis für putin kreml]]\nPeskow äußerte sich.", fix=""),
        good("Weitere Nachrichten aus Kiew deuten darauf hin, dass die Gespräche andauern."),
        good("Peskow sagte, man solle die Chance nicht verpassen."),
        good("Zum Thema Sicherheitsgarantien sagte er nichts."),
        good("Der Fotograf sagte: Foto: verboten."),
        good("Foto: AFP\nPeskow äußerte sich."),
        good("Peskow äußerte sich.\n\nFoto: dpa/Max Muster"),
    ],
    safe=True,
)
def site_chrome_phrase(context: RuleContext) -> Iterator[Hit]:
    for start, end in _chrome_lines(context):
        yield Hit(start, end, "")


def _is_capitals_line(line: str) -> bool:
    if not line.isupper() or sum(c.isalpha() for c in line) < _MIN_CAPITAL_LETTERS:
        return False
    return max(len(word) for word in _WORD.findall(line)) >= _MIN_LONGEST_WORD


@rule(
    "BPL002",
    "all-caps-line",
    Severity.MAJOR,
    "Line in capitals, likely a site name or section label: delete '{match}'",
    "Scraped pages carry site names, section labels and headings set in capitals; an ALL-CAPS line "
    "between paragraphs of a German article is page chrome, not text.",
    [
        bad("[[TATSÄCHLICH]]\n\nPeskow schätzte das Treffen.", fix=""),
        bad("Peskow äußerte sich.\n\n[[POLITIK UND WIRTSCHAFT]]\n\nDer Kreml schwieg.", fix=""),
        bad("Peskow äußerte sich.\n\n[[+++ EILMELDUNG +++]]", fix=""),
        good("Die NATO und die USA reagierten, die EU-KOMMISSION schwieg."),
        good("NATO\n\nDie Allianz tagte."),
        good("NATO, EU UND USA\n\nAlle reagierten."),
        good("Peskow äußerte sich.\n\nVERPASSEN SIE ES NICHT"),
        good("Am 4. April 2025 – 14.30 Uhr"),
        good("NORD- UND SÜDKOREA"),
    ],
)
def all_caps_line(context: RuleContext) -> Iterator[Hit]:
    text = context.text
    patterns = phrase_patterns(context.options.boilerplate)
    lines = short_lines(text)
    if len(lines) == 1 and text.strip() == text[lines[0][0] : lines[0][1]]:
        return
    claimed = {span for code, spans in chrome_mechanisms(context).items() for span in spans}
    for start, end in lines:
        if (start, end) in claimed:
            continue
        if _is_capitals_line(text[start:end]) and not _is_chrome_line(patterns, text, start, end):
            yield Hit(start, end, "")


@functools.lru_cache(maxsize=1)
def chrome_words() -> dict[str, frozenset[str]]:
    """The words of references/chrome_words.tsv by role."""
    by_role: dict[str, set[str]] = {}
    for record in load_table("chrome_words").records():
        by_role.setdefault(record["role"], set()).add(record["word"])
    return {role: frozenset(words) for role, words in by_role.items()}


_LEADING_BULLETS = re.compile(_BULLET)
_TOKEN = re.compile(r"[^\s|•·:,;!?()\[\]]+")
_LIST_SEPARATOR = re.compile(r"[|•·]")
_HASHTAG = re.compile(r"#\w")
_NUMBERISH = re.compile(r"[\d.:/+-]*\d[\d.:/+-]*\Z")
_COUNTER = re.compile(r"\d+\s*(?:von|/)\s*\d+")
_SECTION_TAIL = re.compile(r"[ \t]+[–—|-][ \t]+([A-Z][A-Za-z]*(?:[ \t]+[A-Z][A-Za-z]*){0,2})[ \t]*\Z")
_MAX_LIST_PART_WORDS = 5
_MIN_HASHTAG_SHARE = 0.6
_MAX_SECTION_WORDS = 3
_MIN_REPEATED_LINE = 12


def _tokens(line: str) -> list[str]:
    body = line[_LEADING_BULLETS.match(line).end() :]  # type: ignore[union-attr]
    return [t.strip(".…»«\"'„“”") or t for t in _TOKEN.findall(body)]


def _is_call_to_action(line: str, tokens: list[str], words: dict[str, frozenset[str]]) -> bool:
    if not tokens:
        return False
    sie_form = len(tokens) > 1 and tokens[0] in words["cta-verb"] and tokens[1] == "Sie"
    du_form = tokens[0] in words["cta-verb-du"]
    if not (sie_form or du_form):
        return False
    rest = tokens[2:] if sie_form else tokens[1:]
    if any(t in words["cta-target"] for t in rest):
        return True
    # "Folge" and "Teile" are nouns too ("Folge 3: Der Anfang"): a bare du-form needs its colon at once.
    verb_end = line.find(tokens[1] if sie_form else tokens[0]) + len(tokens[1] if sie_form else tokens[0])
    return line[verb_end : verb_end + 1] == ":" if not sie_form else ":" in line


def _is_messenger_list(line: str, words: dict[str, frozenset[str]]) -> bool:
    parts = [p.split() for p in _LIST_SEPARATOR.split(line)]
    parts = [p for p in parts if p]
    if len(parts) < 2 or any(len(p) > _MAX_LIST_PART_WORDS for p in parts):
        return False
    naming = sum(1 for p in parts if any(w.strip(".,:!") in words["messenger"] for w in p))
    return naming >= 2


def _is_hashtag_line(line: str) -> bool:
    tokens = line.split()
    hashtags = sum(1 for t in tokens if _HASHTAG.match(t))
    return hashtags >= 1 and hashtags >= _MIN_HASHTAG_SHARE * len(tokens)


def _is_meta_line(tokens: list[str], words: dict[str, frozenset[str]]) -> bool:
    if not tokens or not any(t in words["meta"] for t in tokens):
        return False
    allowed = words["meta"] | words["meta-filler"]
    return all(t in allowed or _NUMBERISH.match(t) for t in tokens)


def _is_skip_link(tokens: list[str], words: dict[str, frozenset[str]]) -> bool:
    targets = [t for t in tokens if t in words["skip-target"]]
    framing = [t for t in tokens if t in words["skip-verb"]]
    return len(targets) == 1 and len(framing) >= 1 and len(targets) + len(framing) == len(tokens)


def _is_gallery_control(line: str, tokens: list[str], words: dict[str, frozenset[str]]) -> bool:
    if len(tokens) < 2 or tokens[0] not in words["gallery"]:
        return False
    rest = line[line.find(tokens[0]) + len(tokens[0]) :].strip()
    if _COUNTER.fullmatch(rest):
        return True
    return len(tokens) <= 3 and tokens[-1] in words["gallery-verb"]


def _is_section_label(tokens: list[str], words: dict[str, frozenset[str]]) -> bool:
    return 0 < len(tokens) <= _MAX_SECTION_WORDS and all(t in words["section"] for t in tokens)


def _normalised(line: str) -> str:
    return " ".join(line.split()).casefold()


def _compute_chrome_mechanisms(context: RuleContext) -> dict[str, list[tuple[int, int]]]:
    """Each short line that a mechanism marks as chrome, by rule code; the first mechanism that fires wins.

    Lines that a listed phrase already marks (BPL001) are left to that rule.
    """
    text = context.text
    words = chrome_words()
    patterns = phrase_patterns(context.options.boilerplate)
    found: dict[str, list[tuple[int, int]]] = {code: [] for code in _MECHANISM_CODES}
    previous = ""
    for start, end in short_lines(text):
        line = text[start:end]
        normalised = _normalised(line)
        repeated = len(normalised) >= _MIN_REPEATED_LINE and normalised == previous
        previous = normalised
        if _is_chrome_line(patterns, text, start, end):
            continue
        tokens = _tokens(line)
        code = None
        if _is_skip_link(tokens, words):
            code = "BPL007"
        elif _is_call_to_action(line, tokens, words):
            code = "BPL003"
        elif _is_messenger_list(line, words):
            code = "BPL004"
        elif _is_hashtag_line(line):
            code = "BPL005"
        elif _is_meta_line(tokens, words):
            code = "BPL006"
        elif _is_gallery_control(line, tokens, words):
            code = "BPL008"
        elif _is_section_label(tokens, words):
            code = "BPL009"
        elif repeated:
            code = "BPL011"
        else:
            tail = _SECTION_TAIL.search(line)
            if tail and _is_section_label(tail.group(1).split(), words):
                found["BPL009"].append((start + tail.start(), end))
        if code is not None:
            found[code].append((start, end))
    return found


_MECHANISM_CODES = ("BPL003", "BPL004", "BPL005", "BPL006", "BPL007", "BPL008", "BPL009", "BPL011")
_last_mechanisms: list[tuple[RuleContext, dict[str, list[tuple[int, int]]]]] = []


def chrome_mechanisms(context: RuleContext) -> dict[str, list[tuple[int, int]]]:
    """Classify the short lines once per context; every mechanism rule reads its own code's spans."""
    if _last_mechanisms and _last_mechanisms[0][0] is context:
        return _last_mechanisms[0][1]
    result = _compute_chrome_mechanisms(context)
    _last_mechanisms[:] = [(context, result)]
    return result


def _mechanism_hits(context: RuleContext, code: str) -> Iterator[Hit]:
    for start, end in chrome_mechanisms(context)[code]:
        yield Hit(start, end, "")


@rule(
    "BPL003",
    "call-to-action",
    Severity.MAJOR,
    "Call to action of the website: delete '{match}'",
    "A short line that starts with an imperative ('Lesen Sie …', 'Abonniere …') and points at a website, "
    "channel or link is the page asking its reader to act, not article text.",
    [
        bad("Peskow äußerte sich.\n\n[[Lesen Sie auf der Website]]\n\nDer Kreml schwieg.", fix=""),
        bad("Peskow äußerte sich.\n\n[[Abonniere: t.me/nachrichten]]", fix=""),
        bad("Peskow äußerte sich.\n[[Besuchen Sie unsere Webseite]]", fix=""),
        good("Peskow äußerte sich.\n\nLesen Sie die Rede in voller Länge, sagte er den Zuhörern im Saal."),
        good("„Folgen Sie mir“, rief er."),
    ],
)
def call_to_action(context: RuleContext) -> Iterator[Hit]:
    return _mechanism_hits(context, "BPL003")


@rule(
    "BPL004",
    "messenger-list",
    Severity.MAJOR,
    "List of the site's messenger channels: delete '{match}'",
    "A line of two or more messengers or networks separated by | or • ('in Telegram | in MAX') is the "
    "page's share and follow bar.",
    [
        bad("Peskow äußerte sich.\n\n[[in Telegram | in MAX]]", fix=""),
        bad("Peskow äußerte sich.\n[[VK • Telegram • WhatsApp]]\nDer Kreml schwieg.", fix=""),
        good("Peskow äußerte sich auf Telegram und bei VK."),
        good("Die Messenger Telegram und WhatsApp | ein Überblick über Nutzerzahlen, Kosten und Datenschutz"),
    ],
)
def messenger_list(context: RuleContext) -> Iterator[Hit]:
    return _mechanism_hits(context, "BPL004")


@rule(
    "BPL005",
    "hashtag-line",
    Severity.MAJOR,
    "Line of hashtags: delete '{match}'",
    "Hashtag lines ('#Ukraine #Russland') are tags of the source page or its social post, not text.",
    [
        bad("Peskow äußerte sich.\n\n[[#Ukraine #Russland #Kreml]]", fix=""),
        bad("Peskow äußerte sich.\n[[#Nachrichten]]\nDer Kreml schwieg.", fix=""),
        good("Unter dem Hashtag #Ukraine sammelten Nutzer seit Freitag Tausende Beiträge über den Angriff."),
    ],
)
def hashtag_line(context: RuleContext) -> Iterator[Hit]:
    return _mechanism_hits(context, "BPL005")


@rule(
    "BPL006",
    "page-meta-line",
    Severity.MAJOR,
    "Reading time or page meta data: delete '{match}'",
    "A line made only of numbers and page-meta words ('1 Min Read', 'Lesezeit: 3 Minuten', "
    "'Aufrufe: 1.234') is the page's furniture, scraped and translated with the article.",
    [
        bad("[[1 Min Read]]\n\nPeskow äußerte sich.", fix=""),
        bad("Peskow äußerte sich.\n\n[[Lesezeit: 3 Minuten]]", fix=""),
        bad("[[Aktualisiert: 12.03.2025, 14:30 Uhr]]\nPeskow äußerte sich.", fix=""),
        good("Das Spiel dauerte 90 Minuten.\n\n14:30 Uhr"),
        good("Die Lesezeit der Studie betrug drei Minuten, sagte der Autor."),
    ],
)
def page_meta_line(context: RuleContext) -> Iterator[Hit]:
    return _mechanism_hits(context, "BPL006")


@rule(
    "BPL007",
    "skip-link",
    Severity.MAJOR,
    "Skip link of the website: delete '{match}'",
    "Accessibility links ('Zum Inhalt springen', 'Direkt zur Navigation') are the first lines of many "
    "scraped pages; they never belong to the article.",
    [
        bad("[[Direkt zum Hauptinhalt]]\nPeskow äußerte sich.", fix=""),
        bad("[[Zur Navigation springen]]\n\nPeskow äußerte sich.", fix=""),
        good("Zum Inhalt der Gespräche sagte Peskow nichts."),
        good("Der Inhalt\n\nPeskow äußerte sich."),
    ],
)
def skip_link(context: RuleContext) -> Iterator[Hit]:
    return _mechanism_hits(context, "BPL007")


@rule(
    "BPL008",
    "gallery-control",
    Severity.MAJOR,
    "Picture gallery control: delete '{match}'",
    "Gallery counters and buttons ('Bild 3 von 12', 'Foto vergrößern') are page controls; photo credits "
    "('Foto: AFP') are not flagged.",
    [
        bad("[[Bild 3 von 12]]\nPeskow äußerte sich.", fix=""),
        bad("Peskow äußerte sich.\n[[Foto vergrößern]]", fix=""),
        bad("[[Foto 1/8]]\n\nPeskow äußerte sich.", fix=""),
        good("Foto: AFP\nPeskow äußerte sich."),
        good("Foto: dpa/Max Muster\n\nPeskow äußerte sich."),
        good("Bilder vom Gipfel\n\nPeskow äußerte sich."),
    ],
)
def gallery_control(context: RuleContext) -> Iterator[Hit]:
    return _mechanism_hits(context, "BPL008")


@rule(
    "BPL009",
    "untranslated-section-label",
    Severity.MAJOR,
    "Untranslated section label of the website: delete '{match}'",
    "English section labels ('World', 'Politics') stand alone or after a dash at the end of a headline "
    "('Putin trifft Trump – World'); MT leaves them because they look like names.",
    [
        bad("Putin trifft Trump[[ – World]]\n\nPeskow äußerte sich.", fix=""),
        bad("[[Politics]]\n\nPeskow äußerte sich.", fix=""),
        bad("Peskow äußerte sich.\n\n[[Top Stories]]", fix=""),
        good("Putin trifft Trump – Washington\n\nPeskow äußerte sich."),
        good("Die Zeitung „World“ berichtete über die Gespräche in Genf."),
    ],
)
def untranslated_section_label(context: RuleContext) -> Iterator[Hit]:
    return _mechanism_hits(context, "BPL009")


@rule(
    "BPL011",
    "repeated-line",
    Severity.MINOR,
    "Line repeated from the line before, such as a headline printed twice: delete '{match}'",
    "Scrapers take the headline from the page title and again from the article body, so it stands twice; "
    "an editor deletes the second copy.",
    [
        bad(
            "Putin trifft Trump in Alaska\n\n[[Putin trifft Trump in Alaska]]\n\nPeskow äußerte sich.", fix=""
        ),
        good("Putin trifft Trump in Alaska\n\nPeskow äußerte sich.\n\nPeskow äußerte sich kurz."),
        good("Ja.\n\nJa."),
    ],
)
def repeated_line(context: RuleContext) -> Iterator[Hit]:
    return _mechanism_hits(context, "BPL011")


_MAX_GLUED_HEADLINE = 200
_SENTENCE_END = frozenset('.!?…“»"')


@functools.lru_cache(maxsize=16)
def _glued_related_pattern(extra: tuple[str, ...] = ()) -> re.Pattern[str] | None:
    table = load_table("boilerplate", extra)
    phrases = [
        _phrase_regex(r["phrase"])
        for r in table.records()
        if r["kind"] == "related" and r["position"] == "start" and r["phrase"]
    ]
    if not phrases:
        return None
    alternation = "|".join(sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?:{alternation})[ \t]*:")


@rule(
    "BPL010",
    "related-link-in-paragraph",
    Severity.MAJOR,
    "Related-article link glued into the paragraph: delete it with its headline",
    "A 'Lesen Sie auch: <headline>' link that lost its line break sits inside a paragraph; the headline "
    "ends where the next sentence starts, which only the editor can see, so no fix is suggested.",
    [
        bad("Peskow äußerte sich. [[Lesen Sie auch: Putin trifft Trump.]] Der Kreml schwieg.", fix=None),
        bad("Er sagte nichts. [[Mehr zum Thema: Gipfel in Genf]]", fix=None),
        good("Lesen Sie auch, was Peskow am Freitag sagte. Mehr zum Thema erfahren Sie morgen."),
        good("Peskow äußerte sich. Lesen Sie auch die Rede, sagte er."),
    ],
)
def related_link_in_paragraph(context: RuleContext) -> Iterator[Hit]:
    pattern = _glued_related_pattern(context.options.boilerplate)
    text = context.text
    if pattern is None or ":" not in text:
        return
    for match in pattern.finditer(text):
        start = match.start()
        if start < 2 or text[start - 1] != " " or text[start - 2] not in _SENTENCE_END:
            continue
        limit = min(len(text), match.end() + _MAX_GLUED_HEADLINE)
        end = match.end()
        while end < limit and text[end] != "\n":
            if text[end] in ".!?" and (end + 1 >= len(text) or text[end + 1].isspace()):
                end += 1
                break
            end += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        yield Hit(start, end, None)
