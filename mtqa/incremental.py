"""Incremental runs: an unchanged article reuses the report of the previous run.

"Unchanged" means the same article (text, metadata, id, feed line) checked under the same run
signature: mtqa version, every setting that changes a report, the content of every word list (built-in
and the user's own) and the signatures of the translation models. Anything else and the article is
checked again; ``--force`` checks everything. Reports are stored as JSON in a SQLite file in
``.mtqa-cache/`` beside the config file (or in the working folder); only the current run signature's
entries are kept, so the cache never grows past one run's reports.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtqa import __version__
from mtqa.config import Settings
from mtqa.model import Article, ArticleReport, Finding, Score, Segment, Severity, Unit
from mtqa.references import references_dir

if TYPE_CHECKING:
    from mtqa.backtranslate.scorer import Scorer

CACHE_FOLDER = ".mtqa-cache"
CACHE_FILE = "reports.sqlite"
CACHE_FORMAT = 1
_REPORT_ONLY_SETTINGS = frozenset(
    {"jobs", "output", "formats", "exclude", "extend_exclude", "config_file", "fail_on"}
)
"""Settings that change what is printed or where, not what a report says."""
_TYPES = (Article, Segment, Finding, Score, ArticleReport)


def default_cache_dir(settings: Settings) -> Path:
    return Path(settings.root or ".") / CACHE_FOLDER


def _list_files(settings: Settings) -> list[tuple[str, bytes]]:
    """Every word list a run reads: the built-in folder's ``*.tsv`` and the user's own files."""
    folder = references_dir()
    files = sorted(
        (entry.name, entry.read_bytes()) for entry in folder.iterdir() if entry.name.endswith(".tsv")
    )
    rules = settings.rules
    for path in (*rules.names, *rules.calques, *rules.boilerplate, *rules.allow):
        try:
            files.append((path, Path(path).read_bytes()))
        except OSError:
            files.append((path, b"(unreadable)"))
    return files


def settings_signature(settings: Settings) -> str:
    """A digest of everything but the models that decides a report's content."""
    relevant = {k: v for k, v in settings.as_dict().items() if k not in _REPORT_ONLY_SETTINGS}
    digest = hashlib.sha256()
    digest.update(f"mtqa={__version__}|cache={CACHE_FORMAT}|".encode())
    digest.update(json.dumps(relevant, sort_keys=True, default=str).encode())
    for cls in _TYPES:
        digest.update(",".join(f.name for f in dataclasses.fields(cls)).encode())
    for name, content in _list_files(settings):
        digest.update(name.encode("utf-8", "surrogatepass") + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()


def model_signatures(scorer: Scorer | None) -> str:
    """The translation models a run scores with (loaded now), or why there are none."""
    if scorer is None:
        return "backtranslation=off"
    settings = scorer.settings
    parts = []
    for model in (settings.de_en, settings.en_de, *sorted(settings.source_models.values())):
        translator = scorer.translator(model)
        parts.append(f"{model}={translator.signature() if translator is not None else 'unavailable'}")
    return "|".join(parts)


def article_key(article: Article, run_signature: str) -> str:
    digest = hashlib.sha256(run_signature.encode())
    digest.update(json.dumps(dataclasses.asdict(article), sort_keys=True).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def encode_report(report: ArticleReport) -> str:
    return json.dumps(dataclasses.asdict(report), ensure_ascii=False)


def decode_report(text: str) -> ArticleReport:
    """The report ``encode_report`` wrote; raises ``ValueError`` (or ``TypeError``) on anything else."""
    data: dict[str, Any] = json.loads(text)
    findings = tuple(Finding(**{**f, "severity": Severity(f["severity"])}) for f in data.pop("findings"))
    article = data.pop("article")
    article["units"] = tuple(Unit(**unit) for unit in article.get("units", ()))
    article["notes"] = tuple(article.get("notes", ()))
    return ArticleReport(
        article=Article(**article),
        segments=tuple(Segment(**s) for s in data.pop("segments")),
        findings=findings,
        scores=tuple(Score(**s) for s in data.pop("scores")),
        backtranslations=tuple((int(i), str(t)) for i, t in data.pop("backtranslations")),
        notes=tuple(data.pop("notes")),
        **data,
    )


class ReportCache:
    """Previous reports by article key; ``bind`` (called by the pipeline) fixes the run signature."""

    def __init__(self, folder: Path, settings: Settings, force: bool = False) -> None:
        self.folder = folder
        self.settings = settings
        self.force = force
        self.hits = 0
        self.stored = 0
        self._signature = ""
        self._db: sqlite3.Connection | None = None
        self._pending = 0
        self.problem: str | None = None
        """Why the cache could not be used (the run then checks every article and says so)."""

    def bind(self, scorer: Scorer | None) -> None:
        self._signature = settings_signature(self.settings) + "|" + model_signatures(scorer)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            gitignore = self.folder / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("# written by mtqa: the report cache of incremental runs\n*\n")
            self._db = sqlite3.connect(self.folder / CACHE_FILE)
            self._db.execute("CREATE TABLE IF NOT EXISTS reports (key TEXT PRIMARY KEY, run TEXT, data TEXT)")
            self._db.execute("DELETE FROM reports WHERE run != ?", (self._signature,))
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            self.problem = f"report cache {self.folder} unavailable ({exc}); every article was checked"
            if self._db is not None:
                self._db.close()
                self._db = None

    def lookup(self, article: Article) -> ArticleReport | None:
        if self._db is None or self.force:
            return None
        row = self._db.execute(
            "SELECT data FROM reports WHERE key = ?", (article_key(article, self._signature),)
        ).fetchone()
        if row is None:
            return None
        try:
            report = decode_report(row[0])
        except (ValueError, TypeError, KeyError):
            return None
        if report.article != article:
            return None
        self.hits += 1
        return report

    def store(self, report: ArticleReport) -> None:
        if self._db is None:
            return
        try:
            self._db.execute(
                "INSERT OR REPLACE INTO reports VALUES (?, ?, ?)",
                (article_key(report.article, self._signature), self._signature, encode_report(report)),
            )
        except sqlite3.Error as exc:
            self.problem = f"report cache {self.folder} could not be written ({exc})"
            self.close()
            return
        self.stored += 1
        self._pending += 1
        if self._pending >= 256:
            self._db.commit()
            self._pending = 0

    def close(self) -> None:
        if self._db is None:
            return
        with contextlib.suppress(sqlite3.Error):
            self._db.commit()
        self._db.close()
        self._db = None
