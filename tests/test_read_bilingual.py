"""XLIFF 1.2, XLIFF 2.0 and TMX inputs: one article per file, segment ids kept, hostile XML refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mtqa.cli import main
from mtqa.model import Article, ArticleFailure
from mtqa.read import read_inputs

XLIFF12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file original="peskov.txt" source-language="ru" target-language="de" datatype="plaintext">
    <body>
      <trans-unit id="s1"><source>Песков заявил, что переговоры прошли конструктивно.</source>
        <target>Peskow sagte, die Gespräche seien konstruktiv verlaufen.</target></trans-unit>
      <trans-unit id="s2"><source>Встреча пройдёт <g id="b">5 апреля</g>.</source>
        <target>Das Treffen findet am <g id="b">4. April</g> statt.</target></trans-unit>
    </body>
  </file>
  <file original="kiew.txt" source-language="ru" target-language="de" datatype="plaintext">
    <body>
      <trans-unit id="k1"><source>Киев получил 1,5 млн евро.</source>
        <target>Kiew erhielt 15 Millionen Euro.</target></trans-unit>
      <trans-unit id="k2"><source>Ждём новостей.</source>
        <target>Wir warten auf Neuigkeiten .</target></trans-unit>
    </body>
  </file>
</xliff>
"""
XLIFF20 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="ru" trgLang="de">
  <file id="f1" original="treffen.txt">
    <unit id="u1"><segment id="1"><source>Встреча пройдёт 5 апреля.</source>
      <target>Das Treffen findet am 4. April statt.</target></segment></unit>
    <unit id="u2"><segment><source>Это важно.</source><target>Das ist wichtig.</target></segment></unit>
  </file>
</xliff>
"""
TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t"
  adminlang="en" srclang="uk" datatype="plaintext"/>
<body>
<tu tuid="t1"><tuv xml:lang="uk"><seg>Зеленський заявив про 12 нових шкіл.</seg></tuv>
  <tuv xml:lang="de-DE"><seg>Selenskyj kündigte 21 neue Schulen an.</seg></tuv></tu>
<tu tuid="t2"><tuv xml:lang="de-DE"><seg>Das ist gut.</seg></tuv>
  <tuv xml:lang="uk"><seg>Це добре.</seg></tuv></tu>
</body></tmx>
"""
BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" source-language="ru"
 target-language="de" datatype="plaintext"><body><trans-unit id="1"><source>&lol3;</source>
<target>&lol3;</target></trans-unit></body></file></xliff>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" source-language="ru"
 target-language="de" datatype="plaintext"><body><trans-unit id="1"><source>&xxe;</source>
<target>&xxe;</target></trans-unit></body></file></xliff>
"""


def _read(tmp_path: Path, name: str, content: str) -> list[Article | ArticleFailure]:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return list(read_inputs([str(path)]))


def test_xliff12_gives_one_article_per_file_with_its_source_and_segment_ids(tmp_path: Path) -> None:
    first, second = _read(tmp_path, "vendor.xlf", XLIFF12)
    assert isinstance(first, Article) and isinstance(second, Article)
    assert (first.id, second.id) == ("vendor-peskov", "vendor-kiew")
    assert first.origin.endswith("vendor.xlf#peskov.txt")
    assert first.source_lang == "ru"
    assert first.text == (
        "Peskow sagte, die Gespräche seien konstruktiv verlaufen.\n\nDas Treffen findet am 4. April statt."
    )
    assert [u.id for u in first.units] == ["s1", "s2"]
    for unit in first.units:
        assert first.source is not None
        assert first.text[unit.start : unit.end].strip() and first.source[unit.source_start : unit.source_end]
    assert first.source is not None and first.source.endswith("Встреча пройдёт 5 апреля.")


def test_xliff20_and_tmx(tmp_path: Path) -> None:
    (article,) = _read(tmp_path, "treffen.xliff", XLIFF20)
    assert isinstance(article, Article)
    assert [u.id for u in article.units] == ["u1/1", "u2"] and article.source_lang == "ru"
    (memory,) = _read(tmp_path, "schulen.tmx", TMX)
    assert isinstance(memory, Article)
    assert memory.source_lang == "uk" and [u.id for u in memory.units] == ["t1", "t2"]
    assert memory.text == "Selenskyj kündigte 21 neue Schulen an.\n\nDas ist gut."
    assert memory.source == "Зеленський заявив про 12 нових шкіл.\n\nЦе добре."


@pytest.mark.parametrize(("content", "reason"), [(BOMB, "declares entities"), (XXE, "declares entities")])
def test_hostile_xml_is_refused_per_file_and_the_run_goes_on(
    tmp_path: Path, content: str, reason: str
) -> None:
    (tmp_path / "evil.xlf").write_text(content, encoding="utf-8")
    (tmp_path / "good.xlf").write_text(XLIFF12, encoding="utf-8")
    items = list(read_inputs([str(tmp_path)]))
    failures = [i for i in items if isinstance(i, ArticleFailure)]
    assert [(f.id, reason in f.reason) for f in failures] == [("evil", True)]
    assert "passwd" not in failures[0].reason and "root:" not in failures[0].reason
    assert sum(isinstance(i, Article) for i in items) == 2


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("<xliff", "not well-formed XML"),
        ("<html><body/></html>", "not XLIFF or TMX"),
        ('<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"/>', "no translated segments"),
    ],
)
def test_unusable_bilingual_files_fail_with_a_reason(tmp_path: Path, content: str, reason: str) -> None:
    (failure,) = _read(tmp_path, "x.xlf", content)
    assert isinstance(failure, ArticleFailure) and reason in failure.reason


def test_findings_name_their_segment_and_source_checks_run(tmp_path: Path) -> None:
    path = tmp_path / "vendor.xlf"
    path.write_text(XLIFF12, encoding="utf-8")
    out = tmp_path / "reports"
    result = CliRunner().invoke(main, ["check", str(path), "-o", str(out), "--no-backtranslate"])
    assert result.exit_code == 1, result.output
    kiew = json.loads((out / "vendor-kiew.json").read_text(encoding="utf-8"))
    found = {(f["code"], f["unit"], f["match"]) for f in kiew["findings"]}
    assert ("SRC001", "k1", "15 Millionen") in found
    assert ("TYP002", "k2", "Neuigkeiten .") in found
    peskov = json.loads((out / "vendor-peskov.json").read_text(encoding="utf-8"))
    assert [(f["code"], f["unit"], f["suggestion"]) for f in peskov["findings"]] == [
        ("SRC003", "s2", "5. April")
    ]
    # the Russian source is not German text with Cyrillic in it: no UNT finding
    assert not any(f["code"].startswith("UNT") for f in kiew["findings"] + peskov["findings"])
    # the console line names the segment too, since its line and column are those of the joined text
    assert "SRC003 " in result.output and "-> 5. April [segment s2]\n" in result.output


def _workbook(path: Path, rows: list[list[object]]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)


KIEW_RU = "Киев получил 1,5 млн евро."
KIEW_REF = "Kiew erhielt 1,5 Mio. Euro."


def test_an_xlsx_segment_table_groups_rows_by_document_and_vendor(tmp_path: Path) -> None:
    path = tmp_path / "vendors.xlsx"
    _workbook(
        path,
        [
            ["Document", "Segment", "Source", "Target", "Reference", "Vendor", "Source_lang"],
            ["kiew", "1", KIEW_RU, "Kiew erhielt 15 Millionen Euro.", KIEW_REF, "A", "ru"],
            ["kiew", "2", "Ждём.", "Wir warten.", "Wir warten.", "A", "ru"],
            ["kiew", "1", KIEW_RU, "Kiew erhielt 1,5 Millionen Euro.", KIEW_REF, "B", "ru"],
            ["kiew", "2", "Ждём.", "Wir warten.", None, "B", "ru"],
            ["kiew", "3", "Всё.", None, None, "B", "ru"],
        ],
    )  # fmt: skip
    first, second = read_inputs([str(path)])
    assert isinstance(first, Article) and isinstance(second, Article)
    assert (first.id, first.vendor, second.id, second.vendor) == ("kiew-A", "A", "kiew-B", "B")
    assert [u.id for u in first.units] == ["1", "2"] and [u.id for u in second.units] == ["1", "2"]
    assert first.reference == "Kiew erhielt 1,5 Mio. Euro.\n\nWir warten."
    assert second.reference is None  # a reference for only some segments would skew corpus scores
    assert first.source_lang == "ru" and first.origin.endswith("vendors.xlsx#kiew#A")


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        ([["text", "vendor"], ["Hallo", "A"]], "needs a header row with a 'target' column"),
        ([["target"], [None]], "no row has a target"),
    ],
)
def test_unusable_xlsx_tables_fail_with_a_reason(
    tmp_path: Path, rows: list[list[object]], reason: str
) -> None:
    path = tmp_path / "t.xlsx"
    _workbook(path, rows)
    (failure,) = read_inputs([str(path)])
    assert isinstance(failure, ArticleFailure) and reason in failure.reason


def test_a_file_named_xlsx_that_is_not_a_workbook_fails_alone(tmp_path: Path) -> None:
    (tmp_path / "t.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (failure,) = read_inputs([str(tmp_path / "t.xlsx")])
    assert isinstance(failure, ArticleFailure) and "not a readable XLSX workbook" in failure.reason


def test_csv_and_jsonl_segment_tables_are_read_like_the_xlsx(tmp_path: Path) -> None:
    rows = [
        {"document": "kiew", "segment": "1", "source": KIEW_RU, "target": "Kiew erhielt 15 Millionen Euro.",
         "vendor": "A", "source_lang": "ru"},
        {"document": "kiew", "segment": "2", "source": "Ждём.", "target": "Wir warten.", "vendor": "A",
         "source_lang": "ru"},
    ]  # fmt: skip
    jsonl = tmp_path / "segments.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    header = list(rows[0])
    csv_text = ",".join(header) + "\n" + "".join(",".join(f'"{r[h]}"' for h in header) + "\n" for r in rows)
    (tmp_path / "segments.csv").write_text(csv_text + '"kiew","3"\n', encoding="utf-8")
    from_jsonl = list(read_inputs([str(jsonl)]))
    from_csv = list(read_inputs([str(tmp_path / "segments.csv")]))
    for items in (from_jsonl, from_csv[:1]):
        (article,) = items
        assert isinstance(article, Article)
        assert (article.vendor, article.source_lang, [u.id for u in article.units]) == ("A", "ru", ["1", "2"])
        assert article.text == "Kiew erhielt 15 Millionen Euro.\n\nWir warten."
    failure = from_csv[1]
    assert isinstance(failure, ArticleFailure) and "expected 6 fields, got 2" in failure.reason
    result = CliRunner().invoke(
        main, ["check", str(jsonl), "--no-reports", "--no-backtranslate", "--select", "SRC"]
    )
    assert result.exit_code == 1 and "SRC001" in result.stdout


def test_markdown_and_sarif_name_the_segment(tmp_path: Path) -> None:
    path = tmp_path / "vendor.xlf"
    path.write_text(XLIFF12, encoding="utf-8")
    out = tmp_path / "reports"
    args = ["check", str(path), "-o", str(out), "--no-backtranslate", "--format", "sarif", "--no-cache"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    table = (out / "vendor-kiew.md").read_text(encoding="utf-8")
    assert "| Line:Col | Segment | Code |" in table and "| k1 | SRC001 |" in table
    sarif = json.loads(next(out.glob("*.sarif")).read_text(encoding="utf-8"))
    segments = {r["properties"].get("segment") for run in sarif["runs"] for r in run["results"]}
    assert {"k1", "k2", "s2"} <= segments


def test_ci_formats_point_a_bilingual_finding_at_its_file_and_segment(tmp_path: Path) -> None:
    """Positions in a bilingual file are those of the joined German: no line, and no fix to misapply."""
    import jsonschema

    from tests.conftest import DATA

    path = tmp_path / "vendor.xlf"
    path.write_text(XLIFF12, encoding="utf-8")
    out = tmp_path / "reports"
    args = ["check", str(path), "-o", str(out), "--no-backtranslate", "--format", "sarif,gitlab"]
    result = CliRunner().invoke(main, [*args, "--output-format", "github"])
    assert result.exit_code == 1, result.output
    annotation = next(line for line in result.output.splitlines() if ",title=SRC003::" in line)
    assert annotation.startswith(f"::error file={path},title=SRC003::") or annotation.startswith(
        f"::warning file={path},title=SRC003::"
    )
    assert "line=" not in annotation and annotation.endswith("[segment s2]")
    document = json.loads((out / "mtqa.sarif").read_text(encoding="utf-8"))
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    (date,) = [r for r in document["runs"][0]["results"] if r["ruleId"] == "SRC003"]
    location = date["locations"][0]
    assert location["physicalLocation"]["region"] == {"startLine": 1}
    assert location["logicalLocations"][1] == {
        "name": "s2",
        "fullyQualifiedName": "vendor-peskov/s2",
        "kind": "element",
    }
    assert "fixes" not in date and date["properties"]["segment"] == "s2"
    (issue,) = [
        i
        for i in json.loads((out / "gl-code-quality-report.json").read_text(encoding="utf-8"))
        if i["check_name"] == "SRC003"
    ]
    assert issue["location"]["lines"] == {"begin": 1} and issue["description"].endswith("[segment s2]")
    assert not issue["location"]["path"].endswith(".txt")
