"""The files a run writes into its output folder beside the per-article reports: the one list of them.

Two rules depend on this list and must never disagree: an article never takes a run file's stem as its
id (so its ``<id>.json`` or ``<id>.html`` cannot overwrite ``summary.json`` or ``index.html``), and
re-checking a folder never reads a run file back as input. The writers take their names from here, and
``tests/test_run_files.py`` fails when a run leaves a top-level file that is not listed. This module
imports nothing, so readers and reporters may both depend on it.
"""

from __future__ import annotations

SUMMARY_CSV = "summary.csv"
"""One row per article (``SummaryReporter``)."""
VENDORS_CSV = "vendors.csv"
"""Totals per vendor (``SummaryReporter``, when articles name vendors)."""
SUMMARY_JSON = "summary.json"
"""The run's totals, failures and notes (``SummaryReporter``)."""
MANIFEST_NAME = "mtqa-run.json"
"""The run manifest: state, counts, settings (``RunFolder``)."""
LOCK_NAME = ".mtqa.lock"
"""Held while a run writes into the folder (``RunFolder``)."""
INDEX_FILE = "index.html"
"""The run index (``--format html``)."""
SARIF_FILE = "mtqa.sarif"
"""``--format sarif``."""
JUNIT_FILE = "junit.xml"
"""``--format junit``."""
GITLAB_FILE = "gl-code-quality-report.json"
"""``--format gitlab`` (GitLab Code Quality)."""
AUDIT_CSV = "audit.csv"
AUDIT_RULES_CSV = "audit-rules.csv"
AUDIT_PAIRS_CSV = "audit-pairs.csv"
AUDIT_XLSX = "audit.xlsx"
AUDIT_HTML = "audit.html"
"""``mtqa audit`` writes these into the reports folder it reads unless told another (``-o``)."""

RUN_FILES = (
    SUMMARY_CSV,
    VENDORS_CSV,
    SUMMARY_JSON,
    MANIFEST_NAME,
    LOCK_NAME,
    INDEX_FILE,
    SARIF_FILE,
    JUNIT_FILE,
    GITLAB_FILE,
    AUDIT_CSV,
    AUDIT_RULES_CSV,
    AUDIT_PAIRS_CSV,
    AUDIT_XLSX,
    AUDIT_HTML,
)
"""Every run-level file mtqa writes into an output folder; a new one is added here and nowhere else."""


def _stem(name: str) -> str:
    return name.split(".", 1)[0]


RUN_FILE_STEMS = tuple(dict.fromkeys(_stem(name) for name in RUN_FILES if _stem(name)))
"""The names before the first dot (``summary``, ``index``, ``mtqa``...): ids no article may take.
A hidden file (``.mtqa.lock``) has no stem, and no id starts with a dot."""
