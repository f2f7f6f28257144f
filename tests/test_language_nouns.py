"""The noun index: readings of real forms, compounds by their head, and the cache it is kept in."""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from mtqa.language import morphology, nouns, versions


def readings(word: str) -> set[tuple[str, str]] | None:
    mask = nouns.readings(word)
    return None if mask is None else set(morphology.readings_of(mask))


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Hilfspaket", {("n", "nom"), ("n", "dat"), ("n", "acc")}),
        ("Hilfspakets", {("n", "gen")}),
        ("Tisch", {("m", "nom"), ("m", "dat"), ("m", "acc")}),
        ("USA", {("p", "nom"), ("p", "gen"), ("p", "dat"), ("p", "acc")}),
        ("Kernkraftwerksbetreiberin", {("f", "nom"), ("f", "gen"), ("f", "dat"), ("f", "acc")}),
        ("Kreml-Sprecherin", {("f", "nom"), ("f", "gen"), ("f", "dat"), ("f", "acc")}),
        ("Washington", None),
        ("Baerbock", None),
        ("Sozialbereich", None),
    ],
)
def test_readings(word: str, expected: set[tuple[str, str]] | None) -> None:
    assert readings(word) == expected


@pytest.mark.parametrize(("word", "compound"), [("Kernkraftwerksbetreiberin", True), ("Hilfspaket", False)])
def test_compounds_are_named(word: str, compound: bool) -> None:
    assert nouns.from_compound(word) is compound


def test_versions_name_the_resources() -> None:
    found = versions()
    assert found["nouns"] == f"german-nouns {nouns.resource_version()}"
    assert found["tagger"].startswith("HanTa ") and found["lexicon"].startswith("wordfreq-")


@pytest.mark.parametrize(
    ("family", "gender", "case", "declension", "form", "ending"),
    [
        ("ein", "n", "nom", "mixed", "ein", "es"),
        ("der", "f", "nom", "weak", "die", "e"),
        ("der", "m", "dat", "weak", "dem", "en"),
        ("kein", "p", "gen", "mixed", "keiner", "en"),
    ],
)
def test_closed_classes(family: str, gender: str, case: str, declension: str, form: str, ending: str) -> None:
    assert morphology.family_form(family, gender, case) == form
    assert morphology.ending_for(declension, gender, case) == ending


@pytest.fixture
def tiny_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A two-row copy of the package's CSV and a fresh cache folder, so building costs nothing."""
    with nouns._csv_path().open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    path = tmp_path / "nouns.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        row = dict.fromkeys(header, "")
        row.update({"lemma": "Wug", "pos": "Substantiv", "genus": "m", "nominativ singular": "Wug"})
        writer.writerow([row[name] for name in header])
    monkeypatch.setattr(nouns, "_csv_path", lambda: path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _clear()
    yield tmp_path / "cache" / "mtqa"
    _clear()


def _clear() -> None:
    for cached in (nouns.index, nouns.readings, nouns._form):
        cached.cache_clear()


def test_index_is_built_once_into_the_cache(tiny_package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wug = nouns.index().get("Wug")
    assert wug is not None
    assert set(morphology.readings_of(wug)) == {("m", c) for c in morphology.CASES}
    assert isinstance(nouns.index(), nouns.SqliteForms)
    assert [p.name for p in tiny_package.iterdir()] == [nouns._cache_file(str(nouns.resource_version())).name]
    _clear()
    monkeypatch.setattr(nouns, "build_index", lambda path: pytest.fail("rebuilt despite the cache"))
    assert nouns.index().get("Wug") == wug
    assert nouns.index().get("Wugs") is None


def test_unwritable_cache_builds_in_memory(tiny_package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tiny_package.parent.parent / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert isinstance(nouns.index(), dict)
    assert nouns.index().get("Wug")


def test_corrupt_cache_is_rebuilt(tiny_package: Path) -> None:
    path = nouns._cache_file(str(nouns.resource_version()))
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database")
    assert nouns.index().get("Wug")
    _clear()
    assert isinstance(nouns.index(), nouns.SqliteForms)
    assert nouns.index().get("Wug")


def test_concurrent_writers_leave_one_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    indexes = [{f"W{n}": n, "Haus": n} for n in range(8)]
    threads = [threading.Thread(target=nouns._write_cached, args=(path, index)) for index in indexes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    forms = nouns._read_cached(path)
    assert forms is not None
    written = forms.get("Haus")
    assert written is not None and forms.get(f"W{written}") == written
    assert [p.name for p in tmp_path.iterdir()] == ["index.sqlite"]
