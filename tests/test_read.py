"""Input readers: text files, folders, JSONL and CSV feeds, stdin, encodings, ids, and every bad input."""

from __future__ import annotations

import codecs
import io
import json
import os
import sys
from pathlib import Path

import pytest

from mtqa.errors import InputError
from mtqa.model import Article, ArticleFailure
from mtqa.read import check_paths, read_inputs
from mtqa.read import discover as discover_module
from mtqa.read import text as text_module
from mtqa.read.ids import MAX_ID_BYTES, MAX_ID_CHARS, UniqueIds, safe_id
from mtqa.read.lines import HEAD_BYTES

DATA = Path(__file__).parent / "data"
PESKOV = DATA / "peskov-washington.de.txt"

GERMAN = "Größere Übereinstimmung äußerte Peskow am Freitag in Washington.\nDer Preis: 5 € – „gut“.\n"
RUSSIAN = "Пресс-секретарь Кремля Дмитрий Песков оценил встречу посланника Путина в Вашингтоне.\n"
UKRAINIAN = "Речник Кремля Дмитро Пєсков оцінив зустріч посланця Путіна у Вашингтоні.\n"

Item = Article | ArticleFailure


def read(paths: list[str | Path], stdin: bytes | None = None) -> list[Item]:
    stream = io.BytesIO(stdin) if stdin is not None else None
    return list(read_inputs([str(p) for p in paths], stream))


def only_article(items: list[Item]) -> Article:
    assert len(items) == 1, items
    item = items[0]
    assert isinstance(item, Article), item
    return item


def only_failure(items: list[Item]) -> ArticleFailure:
    assert len(items) == 1, items
    item = items[0]
    assert isinstance(item, ArticleFailure), item
    return item


def outline(items: list[Item]) -> list[tuple[str, str]]:
    """(id, text) for articles and (id, "FAIL " + reason) for failures, in order."""
    return [
        (item.id, item.text) if isinstance(item, Article) else (item.id, f"FAIL {item.reason}")
        for item in items
    ]


def jsonl(*rows: object) -> bytes:
    return "".join(
        (row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n" for row in rows
    ).encode()


# --- plain-text files --------------------------------------------------------------------------------


def test_example_article_is_read_exactly() -> None:
    article = only_article(read([PESKOV]))
    assert article.id == "peskov-washington"
    assert article.text == PESKOV.read_text(encoding="utf-8")
    assert article.title == "TATSÄCHLICH"
    assert article.origin == str(PESKOV)
    assert article.encoding == "utf-8"
    assert (article.source, article.reference, article.source_lang) == (None, None, None)


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        pytest.param(GERMAN.encode(), GERMAN, "utf-8", id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + GERMAN.encode(), GERMAN, "utf-8", id="utf-8-bom"),
        pytest.param(GERMAN.encode("utf-16"), GERMAN, "utf-16", id="utf-16-bom"),
        pytest.param(codecs.BOM_UTF16_BE + GERMAN.encode("utf-16-be"), GERMAN, "utf-16", id="utf-16-be-bom"),
        pytest.param(GERMAN.encode("utf-32"), GERMAN, "utf-32", id="utf-32-bom"),
        pytest.param(GERMAN.encode("cp1252"), GERMAN, "cp1252", id="cp1252-german"),
        pytest.param(RUSSIAN.encode("cp1251"), RUSSIAN, "cp1251", id="windows-1251-russian"),
        pytest.param(UKRAINIAN.encode("cp1251"), UKRAINIAN, "cp1251", id="windows-1251-ukrainian"),
        pytest.param(RUSSIAN.encode("koi8_r"), RUSSIAN, "koi8-r", id="koi8-r-russian"),
    ],
)
def test_encodings_are_decoded_and_recorded(tmp_path: Path, data: bytes, text: str, encoding: str) -> None:
    path = tmp_path / "artikel.txt"
    path.write_bytes(data)
    article = only_article(read([path]))
    assert (article.text, article.encoding) == (text, encoding)
    assert article.title == text.split("\n")[0]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100), "binary file", id="png"),
        pytest.param(bytes(range(1, 32)) * 20, "binary file", id="control-bytes"),
        pytest.param(b"", "empty article", id="empty"),
        pytest.param(b" \n\t\r\n  \n", "empty article", id="whitespace-only"),
        pytest.param(codecs.BOM_UTF8 + b"\n\n", "empty article", id="bom-only"),
        pytest.param(" \n ".encode("utf-16"), "empty article", id="utf-16-whitespace"),
        pytest.param(
            bytes(range(0x80, 0x100)) * 4,
            "not UTF-8 and the encoding could not be detected",
            id="undetectable",
        ),
    ],
)
def test_bad_text_files_fail_with_a_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "kaputt.de.txt"
    path.write_bytes(data)
    failure = only_failure(read([path]))
    assert failure == ArticleFailure("kaputt", str(path), reason)


def test_unreadable_file_fails_with_the_os_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "gesperrt.txt"
    path.write_text("Titel\n", encoding="utf-8")

    def refuse(name: str, max_bytes: int = 0) -> bytes:
        raise PermissionError(13, "Permission denied", name)

    monkeypatch.setattr(text_module, "read_file_bytes", refuse)
    assert read([path, PESKOV])[0] == ArticleFailure("gesperrt", str(path), "cannot read: Permission denied")


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"Titel\r\n\r\nErster Satz.\r\nZweiter.\r\n", "Titel\n\nErster Satz.\nZweiter.\n"),
        (b"Titel\rText\r", "Titel\nText\n"),
        (b"Titel\r\r\nText", "Titel\n\nText"),
        (b"  \n\n  Titel mit Rand  \nText", "  \n\n  Titel mit Rand  \nText"),
    ],
)
def test_line_breaks_are_normalised_and_nothing_else(tmp_path: Path, data: bytes, text: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    article = only_article(read([path]))
    assert article.text == text
    assert article.title == text.strip().split("\n")[0].strip()


@pytest.mark.parametrize(
    ("file_name", "article_id"),
    [
        ("peskov-washington.de.txt", "peskov-washington"),
        ("bericht.txt", "bericht"),
        ("notiz", "notiz"),
        ("artikel.md", "artikel"),
        ("a.b.de.txt", "a.b"),
        ("bericht.v2.txt", "bericht.v2"),
        ("2024-05-01 Meldung.txt", "2024-05-01 Meldung"),
        ("frage:antwort.txt", "frage_antwort"),
        (".de.txt", "de"),
    ],
)
def test_ids_come_from_file_names(tmp_path: Path, file_name: str, article_id: str) -> None:
    path = tmp_path / file_name
    path.write_text("Titel\n", encoding="utf-8")
    assert only_article(read([path])).id == article_id


@pytest.mark.parametrize(
    ("siblings", "source_lang", "source", "reference"),
    [
        ({}, None, None, None),
        ({"x.ru.txt": RUSSIAN.encode("cp1251")}, "ru", RUSSIAN, None),
        ({"x.uk.txt": UKRAINIAN.encode()}, "uk", UKRAINIAN, None),
        ({"x.en.txt": b"The Kremlin said.\r\n"}, "en", "The Kremlin said.\n", None),
        ({"x.be.txt": "Пескоў сказаў.\n".encode()}, "be", "Пескоў сказаў.\n", None),
        ({"x.ru.txt": b"RU\n", "x.en.txt": b"EN\n"}, "ru", "RU\n", None),
        ({"references/x.de.txt": b"Referenz.\n"}, None, None, "Referenz.\n"),
        (
            {"x.ref.de.txt": "Menschliche Übersetzung.\n".encode("cp1252")},
            None,
            None,
            "Menschliche Übersetzung.\n",
        ),
        (
            {"x.ru.txt": RUSSIAN.encode(), "references/x.de.txt": b"Ref A\n", "x.ref.de.txt": b"Ref B\n"},
            "ru",
            RUSSIAN,
            "Ref A\n",
        ),
        ({"y.ru.txt": b"other article\n", "references/y.de.txt": b"other\n"}, None, None, None),
    ],
)
def test_source_and_reference_siblings(
    tmp_path: Path,
    siblings: dict[str, bytes],
    source_lang: str | None,
    source: str | None,
    reference: str | None,
) -> None:
    (tmp_path / "references").mkdir()
    for name, data in siblings.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "x.de.txt").write_text("Titel\n\nText.\n", encoding="utf-8")
    article = only_article(read([tmp_path / "x.de.txt"]))
    assert (article.source_lang, article.source, article.reference) == (source_lang, source, reference)
    assert article.encoding == "utf-8"


@pytest.mark.parametrize(
    ("name", "data", "failure_id", "reason"),
    [
        ("x.ru.txt", b"\x00\x01binary", "x.ru", "source text not used: binary file"),
        ("x.uk.txt", b"  \n", "x.uk", "source text not used: empty"),
        ("x.ref.de.txt", b"", "x.ref", "reference translation not used: empty"),
    ],
)
def test_unusable_sibling_is_reported_and_the_article_still_read(
    tmp_path: Path, name: str, data: bytes, failure_id: str, reason: str
) -> None:
    (tmp_path / name).write_bytes(data)
    (tmp_path / "x.de.txt").write_text("Titel\n", encoding="utf-8")
    article, failure = read([tmp_path / "x.de.txt"])
    assert isinstance(article, Article)
    assert (article.source, article.reference) == (None, None)
    assert failure == ArticleFailure(failure_id, str(tmp_path / name), reason)


# --- folders and paths -------------------------------------------------------------------------------


def write_tree(root: Path, files: dict[str, bytes | str]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)


def test_folder_is_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "b.de.txt": "B\n",
            "a.de.txt": "A\n",
            "a.ru.txt": "А\n",
            "a.ref.de.txt": "A ref\n",
            "references/a.de.txt": "A ref 2\n",
            "notes.md": "not an article\n",
            "gold.tsv": "line\ttext\n",
            ".hidden.txt": "hidden\n",
            ".git/x.txt": "hidden\n",
            "data.csv": "id,text\nc1,C eins\nc2,C zwei\n",
            "sub/z.txt": "Z\n",
            "sub/feed.jsonl": '{"id": "f1", "text": "F"}\n',
            "sub/deeper/d.en.txt": "source only\n",
            "sub/deeper/d.txt": "D\n",
            "sub/feed2.ndjson": '{"id": "n1", "text": "N"}\n',
            "empty/.keep": "",
            "10.txt": "Zehn\n",
            "9.txt": "Neun\n",
        },
    )
    items = read([tmp_path])
    assert outline(items) == [
        ("10", "Zehn\n"),
        ("9", "Neun\n"),
        ("a", "A\n"),
        ("b", "B\n"),
        ("c1", "C eins"),
        ("c2", "C zwei"),
        ("d", "D\n"),
        ("f1", "F"),
        ("n1", "N"),
        ("z", "Z\n"),
    ]
    a = items[2]
    assert isinstance(a, Article)
    assert (a.source, a.reference, a.origin) == ("А\n", "A ref 2\n", str(tmp_path / "a.de.txt"))
    assert [item.origin for item in items][4:] == [
        f"{tmp_path / 'data.csv'}#c1",
        f"{tmp_path / 'data.csv'}#c2",
        str(tmp_path / "sub" / "deeper" / "d.txt"),
        f"{tmp_path / 'sub' / 'feed.jsonl'}#f1",
        f"{tmp_path / 'sub' / 'feed2.ndjson'}#n1",
        str(tmp_path / "sub" / "z.txt"),
    ]


def test_paths_are_read_in_the_order_given_and_each_file_once(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.txt": "A\n", "b.txt": "B\n", "sub/c.txt": "C\n"})
    items = read([tmp_path / "sub", tmp_path / "b.txt", tmp_path, tmp_path / "b.txt"])
    assert outline(items) == [("c", "C\n"), ("b", "B\n"), ("a", "A\n")]


def test_missing_path_becomes_a_failure_when_not_checked(tmp_path: Path) -> None:
    missing = tmp_path / "fehlt.de.txt"
    assert read([missing, PESKOV])[0] == ArticleFailure("fehlt", str(missing), "no such file or folder")


@pytest.mark.parametrize(
    ("paths", "message"),
    [
        (["fehlt.txt"], "no such file or folder: fehlt.txt"),
        (["fehlt.txt", "{data}", "auch/weg"], "no such files or folders: fehlt.txt, auch/weg"),
        ([""], "no such file or folder: ''"),
        (["-", "{data}", "-"], "standard input ('-') can be read only once"),
    ],
)
def test_check_paths_refuses_bad_command_lines(paths: list[str], message: str) -> None:
    with pytest.raises(InputError) as raised:
        check_paths([path.format(data=DATA) for path in paths])
    assert str(raised.value) == message


def test_check_paths_accepts_files_folders_and_stdin() -> None:
    check_paths([str(PESKOV), str(DATA), "-"])
    check_paths([])


def test_check_paths_refuses_an_unreadable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: str) -> object:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(discover_module.os, "scandir", refuse)
    with pytest.raises(InputError, match=r"^cannot read folder .*: Permission denied$"):
        check_paths([str(tmp_path)])


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_subfolder_becomes_a_failure(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.txt": "A\n", "zu/b.txt": "B\n"})
    (tmp_path / "zu").chmod(0)
    try:
        items = read([tmp_path])
    finally:
        (tmp_path / "zu").chmod(0o755)
    assert outline(items) == [("a", "A\n"), ("zu", "FAIL cannot read folder: Permission denied")]


# --- JSONL feeds -------------------------------------------------------------------------------------


def test_jsonl_feed_with_every_field(tmp_path: Path) -> None:
    row = {
        "id": "n-1",
        "text": "Titel\r\n\r\nText mit \u00fc.",
        "title": " Titel ",
        "url": "https://example.org/n-1",
        "date": "2025-04-04",
        "vendor": "deepl",
        "source": "Заголовок\r\nТекст.",
        "source_lang": "ru",
        "reference": "Ref.",
        "extra": {"ignored": True},
    }
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl(row))
    assert only_article(read([path])) == Article(
        id="n-1",
        text="Titel\n\nText mit ü.",
        origin=f"{path}#n-1",
        title="Titel",
        url="https://example.org/n-1",
        date="2025-04-04",
        vendor="deepl",
        source="Заголовок\nТекст.",
        source_lang="ru",
        reference="Ref.",
        line=1,
    )


def test_malformed_jsonl_lines_fail_alone_and_good_lines_come_through_in_order(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(
        jsonl(
            {"id": "a", "text": "Erster."},
            '{"id": "b", "text": "x" "y"}',
            "[1, 2]",
            "",
            {"id": "c", "vendor": "v1"},
            {"id": "d", "text": "   "},
            {"id": "e", "text": "Gut.", "title": 5},
            "   ",
            {"text": "Ohne Id."},
            {"id": 42, "text": "Zahl als Id."},
            {"id": "f", "text": ["Liste"], "vendor": " v2 "},
            '"nur ein String"',
            {"id": "g", "text": "Letzter."},
        )
    )
    items = read([path])
    assert outline(items) == [
        ("a", "Erster."),
        ("feed:2", "FAIL line 2: invalid JSON: Expecting ',' delimiter (column 25)"),
        ("feed:3", "FAIL line 3: expected a JSON object, got array"),
        ("c", 'FAIL line 5: missing "text"'),
        ("d", 'FAIL line 6: empty article ("text" is empty)'),
        ("e", 'FAIL line 7: field "title" must be a string, got number'),
        ("feed-9", "Ohne Id."),
        ("42", "Zahl als Id."),
        ("f", 'FAIL line 11: field "text" must be a string, got array'),
        ("feed:12", "FAIL line 12: expected a JSON object, got string"),
        ("g", "Letzter."),
    ]
    failures = [item for item in items if isinstance(item, ArticleFailure)]
    assert [(f.origin, f.vendor) for f in failures] == [
        (f"{path}:2", None),
        (f"{path}:3", None),
        (f"{path}:5", "v1"),
        (f"{path}:6", None),
        (f"{path}:7", None),
        (f"{path}:11", "v2"),
        (f"{path}:12", None),
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            jsonl({"id": "a", "text": GERMAN}).decode().encode("cp1252"),
            [("a", GERMAN, "cp1252")],
            id="cp1252-feed",
        ),
        pytest.param(
            jsonl({"id": "a", "text": "Eins"}, {"id": "b", "text": GERMAN}).decode().encode("cp1252"),
            [("a", "Eins", "cp1252"), ("b", GERMAN, "cp1252")],
            id="ascii-line-in-a-cp1252-feed",
        ),
        pytest.param(
            b'{"id": "a", "text": "Gr\\u00fc\\u00dfe \\u201eso\\u201c"}\r\n',
            [("a", "Grüße „so“", "utf-8")],
            id="unicode-escapes-and-crlf",
        ),
        pytest.param(
            codecs.BOM_UTF8 + jsonl({"id": "a", "text": "Mit BOM"}),
            [("a", "Mit BOM", "utf-8")],
            id="utf-8-bom",
        ),
        pytest.param(
            jsonl({"id": "a", "text": "Ä"}, {"id": "b", "text": "Ö"}).decode().encode("utf-16"),
            [("a", "Ä", "utf-16"), ("b", "Ö", "utf-16")],
            id="utf-16-feed",
        ),
    ],
)
def test_jsonl_feed_encodings(tmp_path: Path, data: bytes, expected: list[tuple[str, str, str]]) -> None:
    path = tmp_path / "feed.ndjson"
    path.write_bytes(data)
    items = read([path])
    assert all(isinstance(item, Article) for item in items), items
    assert [(a.id, a.text, a.encoding) for a in items if isinstance(a, Article)] == expected


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty feed: no articles"),
        (b"\n \n\r\n", "empty feed: no articles"),
        (b'{"id": "a"}\x00\x00\x00', "binary file"),
    ],
)
def test_unusable_feed_fails_once(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(data)
    assert only_failure(read([path])) == ArticleFailure("feed", str(path), reason)


def test_lines_in_other_encodings_are_decoded_alone() -> None:
    feed = jsonl({"id": "a", "text": "Größe"}) + jsonl({"id": "b", "text": GERMAN}).decode().encode("cp1252")
    a, b = read(["-"], stdin=feed * 2)[:2]
    assert isinstance(a, Article) and isinstance(b, Article)
    assert (a.text, a.encoding, b.text) == ("Größe", "utf-8", GERMAN)
    assert b.encoding.startswith("cp125")


def test_undecodable_line_fails_alone() -> None:
    undecodable = bytes(range(0x80, 0x100)) * 4
    feed = (
        jsonl({"id": "a", "text": "Gut"})
        + b'{"id": "b", "text": "'
        + undecodable
        + b'"}\n'
        + jsonl({"id": "c", "text": "Ä"})
    )
    assert outline(read(["-"], stdin=feed)) == [
        ("a", "Gut"),
        ("stdin:2", "FAIL line 2: not UTF-8 and the encoding could not be detected"),
        ("c", "Ä"),
    ]


class CountingStream(io.BytesIO):
    """Remembers how far a reader got, to show that a feed is not read all at once."""

    furthest = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.furthest = max(self.furthest, self.tell())
        return data


def test_feed_is_read_lazily() -> None:
    row = jsonl({"id": "x", "text": "Ein Satz mit etwas Länge. " * 40})
    stream = CountingStream(row * (3 * HEAD_BYTES // len(row)))
    items = read_inputs(["-"], stream)
    first = next(items)
    assert isinstance(first, Article)
    assert first.id == "x"
    assert stream.furthest < 2 * HEAD_BYTES
    assert sum(1 for _ in items) == 3 * HEAD_BYTES // len(row) - 1


# --- CSV feeds ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            b'id,title,text,vendor\r\nk1,Titel,"Zeile eins\r\nZeile zwei, mit Komma",deepl\r\nk2,,Zwei,\r\n',
            [("k1", "Zeile eins\nZeile zwei, mit Komma", "Titel", "deepl"), ("k2", "Zwei", None, None)],
            id="comma-quoted-multiline",
        ),
        pytest.param(
            "ID;Text;Vendor\nk1;Größe „groß“;google\n\nk2;Ä;\n".encode("cp1252"),
            [("k1", "Größe „groß“", None, "google"), ("k2", "Ä", None, None)],
            id="semicolon-cp1252-blank-line",
        ),
        pytest.param(
            b"\n\ntext\tid\nEins\tt1\n",
            [("t1", "Eins", None, None)],
            id="tab-after-blank-lines",
        ),
        pytest.param(
            b"text\nOhne Id\n",
            [("data-2", "Ohne Id", None, None)],
            id="no-id-column",
        ),
    ],
)
def test_csv_feed(
    tmp_path: Path, data: bytes, expected: list[tuple[str, str, str | None, str | None]]
) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(data)
    items = read([path])
    assert all(isinstance(item, Article) for item in items), items
    assert [(a.id, a.text, a.title, a.vendor) for a in items if isinstance(a, Article)] == expected


def test_csv_bad_rows_fail_alone(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(
        b'id,text,vendor\na,Erster,v\nb,zu,viele,Felder\nc\nd,,v\n,"Zeile\nzwei",v\ne,Letzter,v\n'
    )
    assert outline(read([path])) == [
        ("a", "Erster"),
        ("b", "FAIL line 3: expected 3 fields, got 4"),
        ("c", "FAIL line 4: expected 3 fields, got 1"),
        ("d", 'FAIL line 5: empty article ("text" is empty)'),
        ("data-6", "Zeile\nzwei"),
        ("e", "Letzter"),
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            b'id,text\na,"x"y"\nb,ok\nc,"sagte ""ja"""\n',
            [
                ("data:2", "FAIL line 2: malformed CSV: ',' expected after '\"'"),
                ("b", "ok"),
                ("c", 'sagte "ja"'),
            ],
            id="stray-quote",
        ),
        pytest.param(
            b'id,text\na,eins\nb,"offen\nc,drei\n',
            [
                ("a", "eins"),
                (
                    "data:3",
                    "FAIL line 3: malformed CSV: unexpected end of data"
                    " (a quoted field is never closed; the rest of the file is part of it)",
                ),
            ],
            id="unclosed-quote",
        ),
        pytest.param(
            "id\ttext\nu1\tGröße\nu2\tÄ\n".encode("utf-16"),
            [("u1", "Größe"), ("u2", "Ä")],
            id="utf-16-tab-separated",
        ),
    ],
)
def test_csv_quoting_and_spreadsheet_exports(
    tmp_path: Path, data: bytes, expected: list[tuple[str, str]]
) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(data)
    assert outline(read([path])) == expected


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"id,body,title\na,Text,T\n", 'missing column "text" (columns: id, body, title)'),
        (b"id,text,text\na,b,c\n", 'column "text" appears 2 times'),
        (b"id,text\n", "empty feed: no articles"),
        (b"\n\n", "empty feed: no articles"),
        (b"id,text\x00\n", "binary file"),
    ],
)
def test_unusable_csv_fails_once(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(data)
    assert only_failure(read([path])) == ArticleFailure("data", str(path), reason)


def test_csv_accepts_very_large_fields(tmp_path: Path) -> None:
    text = "Ein langer Satz. " * 20_000
    path = tmp_path / "data.csv"
    path.write_text(f'id,text\nlang,"{text}"\n', encoding="utf-8")
    assert only_article(read([path])).text == text


# --- standard input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"Titel\r\n\r\nText.\r\n", [("stdin", "Titel\n\nText.\n")], id="text"),
        pytest.param(GERMAN.encode("cp1252"), [("stdin", GERMAN)], id="text-cp1252"),
        pytest.param(b"Kein {JSON}\n", [("stdin", "Kein {JSON}\n")], id="text-with-brace"),
        pytest.param(b"", [("stdin", "FAIL empty article")], id="empty"),
        pytest.param(b"\x00\x01\x02", [("stdin", "FAIL binary file")], id="binary"),
        pytest.param(
            b'\n  {"id": "a", "text": "Eins"}\n{"text": "Zwei"}\n{kaputt\n',
            [
                ("a", "Eins"),
                ("stdin-3", "Zwei"),
                (
                    "stdin:4",
                    "FAIL line 4: invalid JSON: Expecting property name enclosed in double quotes (column 2)",
                ),
            ],
            id="jsonl",
        ),
        pytest.param(
            codecs.BOM_UTF8 + b'{"id": "a", "text": "Eins"}\n',
            [("a", "Eins")],
            id="jsonl-with-bom",
        ),
    ],
)
def test_stdin(data: bytes, expected: list[tuple[str, str]]) -> None:
    items = read(["-"], stdin=data)
    assert outline(items) == expected
    for item in items:
        assert item.origin.startswith("<stdin>")


def test_stdin_origins() -> None:
    (text_item,) = read(["-"], stdin=b"Titel\n")
    feed_items = read(["-"], stdin=b'{"id": "a", "text": "x"}\n[]\n')
    assert [item.origin for item in [text_item, *feed_items]] == ["<stdin>", "<stdin>#a", "<stdin>:2"]


def test_stdin_defaults_to_the_process_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Aus der Pipe\n")))
    assert outline(list(read_inputs(["-"]))) == [("stdin", "Aus der Pipe\n")]


# --- ids ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("peskov-washington", "peskov-washington"),
        ("Ünïcode_ид 2025", "Ünïcode_ид 2025"),
        ("../../etc/passwd", "etc_passwd"),
        ("/etc/passwd", "etc_passwd"),
        ("a/b", "a_b"),
        ("a\\b", "a_b"),
        ("..", "unnamed"),
        (".", "unnamed"),
        ("", "unnamed"),
        ("  ", "unnamed"),
        (".hidden", "hidden"),
        ("a..b", "a.b"),
        ("ende.", "ende"),
        ("a\x00b\nc\td", "a_b_c_d"),
        ("rechts\u202elinks", "rechts_links"),
        ('x:y<z>"?*|', "x_y_z_____"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("feed.jsonl-42", "feed.jsonl-42"),
    ],
)
def test_safe_id(raw: str, expected: str) -> None:
    assert safe_id(raw) == expected
    assert safe_id(expected) == expected


@pytest.mark.parametrize(
    "raw",
    ["x" * 500, "я" * 200, "../" * 100 + "ende", "a" * 119 + "/", "ü" * (MAX_ID_CHARS + 1)],
)
def test_long_ids_are_shortened_with_a_hash(raw: str) -> None:
    result = safe_id(raw)
    assert len(result) <= MAX_ID_CHARS
    assert len(result.encode()) <= MAX_ID_BYTES
    assert safe_id(result) == result
    if len(raw) > MAX_ID_CHARS:
        assert result != safe_id(raw + "!")
    assert not result.startswith(".") and "/" not in result and ".." not in result


def test_different_long_ids_with_a_common_prefix_stay_apart() -> None:
    assert safe_id("p" * 200 + "1") != safe_id("p" * 200 + "2")
    assert safe_id("p" * 200 + "1")[: MAX_ID_CHARS - 9] == "p" * (MAX_ID_CHARS - 9)


def test_unique_ids_number_repeats() -> None:
    ids = UniqueIds()
    claimed = [
        ids.claim(raw) for raw in ["x", "x", "x", "X", "x-2", "y", "z" * MAX_ID_CHARS, "z" * MAX_ID_CHARS]
    ]
    assert claimed[:6] == ["x", "x-2", "x-3", "X-4", "x-2-2", "y"]
    assert claimed[7] == "z" * (MAX_ID_CHARS - 2) + "-2"


def test_ids_are_unique_across_a_run(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "a/x.txt": "A\n",
            "b/x.de.txt": "B\n",
            "feed.jsonl": jsonl(
                {"id": "x", "text": "C"},
                {"id": "../x", "text": "D"},
                {"id": "x", "text": ""},
                {"id": "../../etc/passwd", "text": "E"},
            ).decode(),
        },
    )
    items = read([tmp_path])
    assert outline(items) == [
        ("x", "A\n"),
        ("x-2", "B\n"),
        ("x-3", "C"),
        ("x-4", "D"),
        ("x-5", 'FAIL line 3: empty article ("text" is empty)'),
        ("etc_passwd", "E"),
    ]
    assert items[3].origin == f"{tmp_path / 'feed.jsonl'}#x"
