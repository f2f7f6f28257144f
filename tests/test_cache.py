"""The sqlite translation cache: keys, persistence, hit counters, and surviving broken files."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from mtqa.backtranslate.cache import (
    IN_MEMORY,
    SCHEMA_VERSION,
    TranslationCache,
    cache_key,
    default_cache_path,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("sig", "de-en", "translation", "Text"), ("sig2", "de-en", "translation", "Text")),
        (("sig", "de-en", "translation", "Text"), ("sig", "en-de", "translation", "Text")),
        (("sig", "de-en", "translation", "Text"), ("sig", "de-en", "logprob", "Text")),
        (("sig", "de-en", "generation-logprob", "Text"), ("sig", "de-en", "logprob", "Text")),
        (("sig", "de-en", "translation", "Text"), ("sig", "de-en", "translation", "Text ")),
        (("sig", "de-en", "translation", "bc"), ("sig", "de-en", "translationb", "c")),
        (("sig", "de-en", "logprob", "a\x00b", "c"), ("sig", "de-en", "logprob", "a", "b\x00c")),
        (("sig", "de-en", "logprob", "a", "b"), ("sig", "de-en", "logprob", "a b")),
    ],
)
def test_keys_differ_when_anything_differs(a: tuple[str, ...], b: tuple[str, ...]) -> None:
    assert cache_key(*a) != cache_key(*b)
    assert cache_key(*a) == cache_key(*a)


def test_values_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "cache.sqlite"
    cache = TranslationCache(path)
    cache.put_texts({"k1": "Hallo", "k2": "Welt"})
    cache.put_scores({"k1": -0.25})
    cache.close()
    again = TranslationCache(path)
    assert again.get_texts(["k1", "k2", "k3"]) == {"k1": "Hallo", "k2": "Welt"}
    assert again.get_scores(["k1", "k2"]) == {"k1": -0.25}
    assert (again.stats.hits, again.stats.misses) == (3, 2)
    assert again.notes == []
    journal = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert journal == "wal"


def test_more_keys_than_one_query_takes(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path / "c.sqlite")
    values = {f"key{i}": f"value {i}" for i in range(1234)}
    cache.put_texts(values)
    assert cache.get_texts([*values, "absent"]) == values
    assert cache.stats.misses == 1


def test_duplicate_keys_count_once(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path / "c.sqlite")
    cache.put_texts({"a": "x"})
    assert cache.get_texts(["a", "a", "b", "b"]) == {"a": "x"}
    assert (cache.stats.hits, cache.stats.misses) == (1, 1)


@pytest.mark.parametrize(
    "garbage",
    [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["text", "damaged-header"],
)
def test_a_corrupt_file_is_set_aside_and_rebuilt(tmp_path: Path, garbage: bytes) -> None:
    path = tmp_path / "cache.sqlite"
    path.write_bytes(garbage)
    cache = TranslationCache(path)
    assert len(cache.notes) == 1
    assert "unreadable" in cache.notes[0]
    assert (tmp_path / "cache.sqlite.corrupt").read_bytes() == garbage
    cache.put_texts({"k": "v"})
    cache.close()
    assert TranslationCache(path).get_texts(["k"]) == {"k": "v"}


def test_an_unusable_location_falls_back_to_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    cache = TranslationCache(blocker / "cache.sqlite")
    assert len(cache.notes) == 1
    assert "in memory" in cache.notes[0]
    cache.put_texts({"k": "v"})
    assert cache.get_texts(["k"]) == {"k": "v"}


def test_a_cache_of_another_schema_is_emptied(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    cache = TranslationCache(path)
    cache.put_texts({"k": "v"})
    cache.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = 'old' WHERE key = 'schema'")
    again = TranslationCache(path)
    assert again.get_texts(["k"]) == {}
    schema = sqlite3.connect(path).execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0]
    assert schema == SCHEMA_VERSION


def test_a_failure_mid_run_switches_to_memory(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path / "cache.sqlite")
    cache._db.close()  # what a vanished file or a broken disk looks like to the next query
    assert cache.get_texts(["k"]) == {}
    cache.put_texts({"k": "v"})
    assert cache.get_texts(["k"]) == {"k": "v"}
    assert cache.path == IN_MEMORY
    assert any("failed while reading" in note for note in cache.notes)


def test_two_connections_share_one_file(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    writer, reader = TranslationCache(path), TranslationCache(path)
    writer.put_texts({"k": "v"})
    assert reader.get_texts(["k"]) == {"k": "v"}


def test_threads_can_share_one_cache(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path / "cache.sqlite")

    def work(n: int) -> None:
        for i in range(50):
            cache.put_texts({f"{n}-{i}": str(i)})
            cache.get_texts([f"{n}-{i}"])

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache.get_texts([f"{n}-{i}" for n in range(4) for i in range(50)])) == 200
    assert cache.notes == []


def test_default_path_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_path() == tmp_path / "mtqa" / "translations.sqlite"
