"""Paragraphs, sentences and line/column positions keep exact offsets into the text."""

from __future__ import annotations

import pytest

from mtqa.segment import LineIndex, count_words, paragraphs, sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Er kam. Sie ging.", ["Er kam.", "Sie ging."]),
        ("Am 4. April kam er. Dann ging er.", ["Am 4. April kam er.", "Dann ging er."]),
        ("Das sagte Dr. Kim. Er ging.", ["Das sagte Dr. Kim.", "Er ging."]),
        ("Etwa z. B. Äpfel. Dann Birnen.", ["Etwa z. B. Äpfel.", "Dann Birnen."]),
        ("Im Jahr 2024. Danach nicht.", ["Im Jahr 2024.", "Danach nicht."]),
        ("„Es geht“, sagte er. „Gut.“ Dann ging er.", ["„Es geht“, sagte er.", "„Gut.“", "Dann ging er."]),
        ("Wirklich? Ja! Gut.", ["Wirklich?", "Ja!", "Gut."]),
        ("Es wird getan .", ["Es wird getan ."]),
        ("Titel\n\nErster Satz. zweiter klein.", ["Titel", "Erster Satz. zweiter klein."]),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    segments = sentences(text)
    assert [s.text for s in segments] == expected
    assert all(text[s.start : s.end] == s.text for s in segments)


def test_paragraphs_by_blank_lines_or_lines() -> None:
    text = "Kopf\n\n  Eins zwei.\nnoch eins.\n \nDrei."
    assert [text[p.start : p.end] for p in paragraphs(text)] == ["Kopf", "Eins zwei.\nnoch eins.", "Drei."]
    lines = "a\nb\n"
    assert [lines[p.start : p.end] for p in paragraphs(lines)] == ["a", "b"]


def test_line_index() -> None:
    index = LineIndex("ab\ncd\n\nef")
    assert [index.line_col(o) for o in (0, 1, 3, 6, 7, 8)] == [(1, 1), (1, 2), (2, 1), (3, 1), (4, 1), (4, 2)]


def test_count_words() -> None:
    assert count_words("Kreml-Sprecher Dmitri Peskow sagte: 3,5 %.") == 5
