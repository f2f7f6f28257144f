"""Bilingual files from CAT tools and vendors: XLIFF 1.2 and 2.0, and TMX, read safely.

Each XLIFF ``<file>`` becomes one article (a TMX file is one article): the German targets are its text and
the sources its source text, one segment per paragraph, and every segment keeps its id as a ``Unit`` so each
finding can name the segment a CAT tool shows. XLIFF 1.2 and TMX are read with translate-toolkit; XLIFF 2.0,
which that toolkit does not read, through defusedxml's ElementTree. Before any parser sees a file, defusedxml
refuses entity declarations and external references: no entity-expansion bomb, no external entity, however
the later parser is configured.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from mtqa.errors import InputError
from mtqa.model import Article, ArticleFailure, Unit
from mtqa.read.boundary import display_path
from mtqa.read.encoding import normalise_newlines
from mtqa.read.ids import safe_id
from mtqa.read.limits import DEFAULT_MAX_ARTICLE_BYTES, too_large
from mtqa.read.text import cannot_read, open_regular, read_file_bytes

BILINGUAL_EXTENSIONS = (".xlf", ".xliff", ".tmx", ".xlsx")
MAX_XML_BYTES = 64 * 1024 * 1024
"""A bilingual file larger than this is refused with a reason rather than parsed into memory."""
UNIT_SEPARATOR = "\n\n"
"""Between segments in the article text: each segment is its own paragraph, so sentences never merge."""
XLIFF2_NAMESPACES = ("urn:oasis:names:tc:xliff:document:2.0", "urn:oasis:names:tc:xliff:document:2.1")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class Segment:
    """One translated segment as a bilingual file holds it."""

    id: str
    source: str
    target: str


def check_xml(data: bytes) -> Any:
    """The parsed tree of well-formed XML without entity declarations; anything else is an ``InputError``."""
    import defusedxml.ElementTree as safe_tree
    from defusedxml import DefusedXmlException

    try:
        return safe_tree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(
            f"XML refused: it declares entities or external references ({type(exc).__name__}); "
            "entity expansion and external entities are never processed"
        ) from None
    except safe_tree.ParseError as exc:
        raise InputError(f"not well-formed XML ({exc})") from None


def read_bilingual(
    path: str, max_bytes: int = DEFAULT_MAX_ARTICLE_BYTES
) -> Iterator[Article | ArticleFailure]:
    """The articles of one XLIFF, TMX or XLSX file; an unusable file is one failure with its reason.

    The file may hold many articles, so it may be up to ``MAX_XML_BYTES``; each article's German is held
    to ``max_bytes`` like any other input.
    """
    if path.lower().endswith(".xlsx"):
        yield from _limited(read_xlsx(path), max_bytes)
        return
    yield from _limited(_read_xml(path), max_bytes)


def _limited(items: Iterator[Article | ArticleFailure], max_bytes: int) -> Iterator[Article | ArticleFailure]:
    for item in items:
        if isinstance(item, Article) and len(item.text.encode("utf-8", "surrogatepass")) > max_bytes:
            yield ArticleFailure(
                item.id, item.origin, too_large(max_bytes, len(item.text.encode("utf-8", "replace")))
            )
        else:
            yield item


def _read_xml(path: str) -> Iterator[Article | ArticleFailure]:
    stem, shown = _names(path)
    try:
        data = read_file_bytes(path, MAX_XML_BYTES)
        root = check_xml(data)
        documents = list(_documents(root, data))
    except OSError as error:
        yield ArticleFailure(stem, shown, cannot_read(error))
        return
    except InputError as error:
        yield ArticleFailure(stem, shown, str(error))
        return
    if not documents:
        yield ArticleFailure(stem, shown, "no translated segments in the file")
        return
    for name, source_lang, segments in documents:
        article_id = stem if len(documents) == 1 else safe_id(f"{stem}-{os.path.splitext(name)[0]}")
        origin = shown if len(documents) == 1 else f"{shown}#{name}"
        if not any(s.target.strip() for s in segments):
            yield ArticleFailure(article_id, origin, "no segment has a target (German) text")
            continue
        yield _article(article_id, origin, source_lang, segments)


def _documents(root: Any, data: bytes) -> Iterator[tuple[str, str | None, list[Segment]]]:
    tag = _local(root.tag)
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    if tag == "xliff" and namespace in XLIFF2_NAMESPACES:
        yield from _xliff2(root)
    elif tag == "xliff":
        if _children(root, "file"):  # translate-toolkit fails obscurely on a file-less document
            yield from _xliff1(data)
    elif tag == "tmx":
        yield from _tmx(data)
    else:
        raise InputError(f"not XLIFF or TMX (root element <{tag}>)")


def _xliff1(data: bytes) -> Iterator[tuple[str, str | None, list[Segment]]]:
    """XLIFF 1.x through translate-toolkit: unit ids come as ``<file original>\\x04<id>``."""
    from translate.storage import xliff

    store = _toolkit_parse(xliff.xlifffile.parsestring, data)
    by_file: dict[str, list[Segment]] = {}
    names = list(store.getfilenames()) or [""]
    languages = {
        node.get("original") or "": node.get("source-language")
        for node in store.document.getroot().iter("{urn:oasis:names:tc:xliff:document:1.2}file", "file")
    }
    for unit in store.units:
        if unit.isheader():
            continue
        file_name, _, unit_id = unit.getid().rpartition("\x04")
        file_name = file_name or names[0]
        by_file.setdefault(file_name, []).append(
            Segment(unit_id, str(unit.source or ""), str(unit.target or ""))
        )
    for name in names:
        if name in by_file:
            yield name or "xliff", languages.get(name), by_file[name]


def _names(path: str) -> tuple[str, str]:
    """The id stem of a file's articles and the path as reports show it."""
    return safe_id(os.path.splitext(os.path.basename(path))[0]), display_path(path)


def _toolkit_parse(parse: Any, data: bytes) -> Any:
    """translate-toolkit's parse; its own errors (of several types) become this file's failure reason."""
    try:
        return parse(data)
    except Exception as exc:  # any error of the third-party parser fails this file only
        raise InputError(f"translate-toolkit cannot read it ({type(exc).__name__}: {exc})") from None


def _xliff2(root: Any) -> Iterator[tuple[str, str | None, list[Segment]]]:
    """XLIFF 2.x: `<file>`, `<unit>`, `<segment>` with `<source>` and `<target>`; inline tags read as text."""
    source_lang = root.get("srcLang")
    for index, file_node in enumerate(_children(root, "file")):
        segments: list[Segment] = []
        for unit in file_node.iter():
            if _local(unit.tag) != "unit":
                continue
            parts = [c for c in unit if _local(c.tag) == "segment"]
            for number, segment in enumerate(parts):
                source = next((c for c in segment if _local(c.tag) == "source"), None)
                target = next((c for c in segment if _local(c.tag) == "target"), None)
                unit_id = unit.get("id") or str(len(segments) + 1)
                segment_id = segment.get("id") or (str(number + 1) if len(parts) > 1 else "")
                segments.append(
                    Segment(
                        f"{unit_id}/{segment_id}" if segment_id else unit_id,
                        _text(source),
                        _text(target),
                    )
                )
        name = file_node.get("original") or file_node.get("id") or f"file{index + 1}"
        if segments:
            yield name, source_lang, segments


def _tmx(data: bytes) -> Iterator[tuple[str, str | None, list[Segment]]]:
    """TMX through translate-toolkit: the header's ``srclang`` is the source, a German ``tuv`` the target."""
    from translate.storage import tmx

    store = _toolkit_parse(tmx.tmxfile.parsestring, data)
    header = store.document.getroot().find("header")
    source_lang = header.get("srclang") if header is not None else None
    segments: list[Segment] = []
    for index, unit in enumerate(store.units):
        texts: dict[str, str] = {}
        for node in unit.getlanguageNodes():
            language = (node.get(_XML_LANG) or node.get("lang") or "").lower()
            texts[language] = str(unit.getNodeText(node) or "")
        german = next((t for lang, t in texts.items() if lang.split("-")[0] == "de"), "")
        source = texts.get((source_lang or "").lower()) or next(
            (t for lang, t in texts.items() if lang.split("-")[0] != "de"), ""
        )
        segments.append(Segment(unit.getid() or str(index + 1), source, german))
    if segments:
        yield "tmx", source_lang, segments


def _article(article_id: str, origin: str, source_lang: str | None, segments: Sequence[Segment]) -> Article:
    text_parts: list[str] = []
    source_parts: list[str] = []
    units: list[Unit] = []
    text_length = source_length = 0
    for segment in segments:
        target = " ".join(normalise_newlines(segment.target).split())
        source = " ".join(normalise_newlines(segment.source).split())
        if not target:
            continue
        if text_parts:
            text_length += len(UNIT_SEPARATOR)
            source_length += len(UNIT_SEPARATOR)
        units.append(
            Unit(
                segment.id, text_length, text_length + len(target), source_length, source_length + len(source)
            )
        )
        text_parts.append(target)
        source_parts.append(source)
        text_length += len(target)
        source_length += len(source)
    return Article(
        id=article_id,
        text=UNIT_SEPARATOR.join(text_parts),
        origin=origin,
        source=UNIT_SEPARATOR.join(source_parts),
        source_lang=(source_lang or "").split("-")[0].lower() or None,
        units=tuple(units),
    )


def _children(node: Any, name: str) -> list[Any]:
    return [child for child in node if _local(child.tag) == name]


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _text(node: Any) -> str:
    return "".join(node.itertext()) if node is not None else ""


# --- segment tables: one row per segment (XLSX here; CSV and JSONL feeds with a target column too) --------

SEGMENT_COLUMNS = ("target", "source", "reference", "vendor", "segment", "document", "source_lang")
"""The columns of a segment table: ``target`` is required; ``segment`` is the segment id (else the row
number); ``document`` groups rows into articles (else the whole table is one article per vendor)."""


def is_segment_table(columns: Sequence[str]) -> bool:
    """A table with a ``target`` column and no ``text`` column holds segments, not whole articles."""
    names = {c.strip().lower() for c in columns}
    return "target" in names and "text" not in names


def segment_cells(record: dict[str, object]) -> dict[str, str]:
    """A feed record's cells by lowercase column, as text (numbers as written; other values dropped)."""
    return {
        str(key).strip().lower(): str(value)
        for key, value in record.items()
        if isinstance(value, str | int | float) and not isinstance(value, bool)
    }


def articles_from_rows(
    rows: Iterator[tuple[int, dict[str, str]]], origin: str, stem: str
) -> Iterator[Article | ArticleFailure]:
    """Group segment rows (row number, cells by lowercase column) into articles by document and vendor."""
    groups: dict[tuple[str, str], list[tuple[Segment, str, str | None]]] = {}
    for number, row in rows:
        target = (row.get("target") or "").strip()
        if not target:
            continue
        key = ((row.get("document") or "").strip(), (row.get("vendor") or "").strip())
        segment = Segment((row.get("segment") or "").strip() or str(number), row.get("source") or "", target)
        groups.setdefault(key, []).append(
            (segment, row.get("reference") or "", row.get("source_lang") or None)
        )
    if not groups:
        yield ArticleFailure(stem, origin, "no row has a target (German) text")
        return
    for (document, vendor), members in groups.items():
        parts = [p for p in (stem if len(groups) > 1 and not document else "", document, vendor) if p]
        article_id = safe_id("-".join(parts) or stem)
        label = "#".join(p for p in (document, vendor) if p)
        article = _article(
            article_id, f"{origin}#{label}" if label else origin, members[0][2], [m[0] for m in members]
        )
        references = [m[1].strip() for m in members]
        yield replace(
            article,
            vendor=vendor or None,
            reference=UNIT_SEPARATOR.join(references) if all(references) else None,
        )


def read_xlsx(path: str) -> Iterator[Article | ArticleFailure]:
    """A segment table in the first sheet of an Excel workbook (openpyxl, read-only, values only)."""
    stem, shown = _names(path)
    try:
        import openpyxl

        handle = open_regular(path)  # a FIFO or device is refused, not waited on
    except OSError as error:
        yield ArticleFailure(stem, shown, cannot_read(error))
        return
    except InputError as error:
        yield ArticleFailure(stem, shown, str(error))
        return
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl's errors for a file that is not a workbook are of several types
        handle.close()
        yield ArticleFailure(stem, shown, f"not a readable XLSX workbook ({type(exc).__name__}: {exc})")
        return
    try:
        sheet = workbook.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = [str(c or "").strip().lower() for c in next(values, ())]
        if not is_segment_table(header):
            yield ArticleFailure(stem, shown, "the first sheet needs a header row with a 'target' column")
            return
        rows = (
            (number, {header[i]: "" if v is None else str(v) for i, v in enumerate(cells) if i < len(header)})
            for number, cells in enumerate(values, start=2)
        )
        yield from articles_from_rows(rows, shown, stem)
    finally:
        workbook.close()
        handle.close()
