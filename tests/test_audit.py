"""`mtqa audit` over a synthetic two-vendor corpus, against figures this test computes on its own."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from sacrebleu.metrics import BLEU, CHRF

from mtqa.audit import audit
from mtqa.cli import main

SOURCES = [f"Песков заявил, что переговоры номер {i} прошли конструктивно." for i in range(12)]
REFERENCES = [f"Peskow sagte, die Gespräche Nummer {i} seien konstruktiv verlaufen." for i in range(12)]
GOOD = [f"Peskow sagte, die Gespräche Nummer {i} seien konstruktiv verlaufen." for i in range(12)]
BAD = [
    f"Dmitry Peskov sagte, die Gespräche Nummer {i} seien konstruktiv verlaufen ." if i % 2 else
    f"Kreml -Sprecher Peskow sagte, Gespräche Nummer {i} waren konstruktiv."
    for i in range(12)
]  # fmt: skip
WEIGHTS = {"minor": 1, "major": 5, "critical": 10}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("audit")
    rows = [
        {"id": f"{vendor}-{i}", "text": text, "vendor": vendor, "source": SOURCES[i], "source_lang": "ru",
         "reference": REFERENCES[i], "date": f"2026-0{1 + i % 2}-15"}
        for vendor, texts in (("alpha", GOOD), ("beta", BAD))
        for i, text in enumerate(texts)
    ]  # fmt: skip
    feed = folder / "feed.jsonl"
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = folder / "reports"
    result = CliRunner().invoke(
        main, ["check", str(feed), "-o", str(out), "--no-backtranslate", "--fail-on", "never"]
    )
    assert result.exit_code == 0, result.output
    return out


def _expected(reports: Path) -> dict[str, dict[str, float]]:
    """Per vendor: words, findings and penalty per 1,000 words, straight from the JSON reports."""
    totals: dict[str, dict[str, float]] = {}
    for path in reports.glob("*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        if not str(document.get("schema", "")).startswith("mtqa.report/"):
            continue
        vendor = document["article"]["vendor"]
        total = totals.setdefault(vendor, {"words": 0, "findings": 0, "penalty": 0})
        total["words"] += document["words"]
        total["findings"] += len(document["findings"])
        total["penalty"] += sum(WEIGHTS[f["severity"]] for f in document["findings"])
    return totals


def test_per_vendor_figures_match_an_independent_count(reports: Path) -> None:
    result = audit(reports, "vendor", samples=200)
    groups = result.groups.set_index("vendor")
    expected = _expected(reports)
    assert sorted(groups.index) == ["alpha", "beta"]
    for vendor, total in expected.items():
        assert groups.loc[vendor, "articles"] == 12
        assert groups.loc[vendor, "words"] == total["words"]
        assert groups.loc[vendor, "findings_per_1000_words"] == round(
            1000 * total["findings"] / total["words"], 3
        )
        assert groups.loc[vendor, "penalty_per_1000_words"] == round(
            1000 * total["penalty"] / total["words"], 3
        )
    assert expected["alpha"]["findings"] == 0 < expected["beta"]["findings"]


def test_corpus_reference_scores_are_sacrebleus(reports: Path) -> None:
    groups = audit(reports, "vendor", samples=200).groups.set_index("vendor")
    for vendor, texts in (("alpha", GOOD), ("beta", BAD)):
        assert groups.loc[vendor, "bleu"] == round(BLEU().corpus_score(texts, [REFERENCES]).score, 2)
        assert groups.loc[vendor, "chrf"] == round(CHRF().corpus_score(texts, [REFERENCES]).score, 2)
    assert groups.loc["alpha", "bleu"] == 100.0


def test_vendors_on_the_same_sources_are_paired(reports: Path) -> None:
    result = audit(reports, "vendor", samples=200)
    (pair,) = result.comparisons.to_dict("records")
    assert (pair["a"], pair["b"], pair["shared_sources"]) == ("alpha", "beta", 12)
    assert pair["penalty_difference"] < 0 and pair["difference_ci_high"] < 0 and pair["significant"]
    assert pair["bleu_a"] > pair["bleu_b"] and 0 <= pair["bleu_p_value"] <= 0.05
    assert "bs:200" in result.signatures["bleu_paired_bootstrap"]
    # 12 articles and 12 shared sources are below the thresholds: the audit says so
    assert any("too small to compare" in note for note in result.notes)
    assert any("only 12 shared sources" in note for note in result.notes)


def test_grouping_by_month_and_top_rules(reports: Path) -> None:
    result = audit(reports, "month", samples=50)
    assert list(result.groups["month"]) == ["2026-01", "2026-02"]
    beta = audit(reports, "vendor", samples=50).groups.set_index("vendor").loc["beta"]
    assert "NAM001" in beta["top_rules"] and beta["worst_articles"].startswith("beta-")


def test_cli_writes_csv_xlsx_and_html_and_the_xlsx_reads_back(reports: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["audit", str(reports), "--by", "vendor", "-o", str(tmp_path), "--bootstrap", "50"]
    )
    assert result.exit_code == 0, result.output
    assert "alpha" in result.stdout and "beta vs" not in result.stdout and "alpha vs beta" in result.stdout
    sheet = pd.read_excel(tmp_path / "audit.xlsx", sheet_name="groups")
    assert list(sheet["vendor"]) == ["alpha", "beta"]
    assert list(sheet["words"]) == list(pd.read_csv(tmp_path / "audit.csv")["words"])
    page = (tmp_path / "audit.html").read_text(encoding="utf-8")
    assert "<svg" in page and "<script" not in page and "http://" not in page.replace("http://www.w3.org", "")


def test_group_names_are_escaped_and_neutralised(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "x", "text": "Alles gut.", "vendor": '=HYPERLINK("<b>")'}) + "\n")
    out = tmp_path / "r"
    CliRunner().invoke(main, ["check", str(feed), "-o", str(out), "--no-backtranslate"])
    result = CliRunner().invoke(main, ["audit", str(out), "-o", str(tmp_path / "a"), "--bootstrap", "10"])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(tmp_path / "a" / "audit.csv")["vendor"][0].startswith("'=")
    assert "<b>" not in (tmp_path / "a" / "audit.html").read_text(encoding="utf-8")


def test_a_folder_without_reports_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "other.json").write_text('{"schema": "something else"}')
    (tmp_path / "broken.json").write_text("{")
    result = CliRunner().invoke(main, ["audit", str(tmp_path)])
    assert result.exit_code == 2 and "no mtqa article reports" in result.stderr
