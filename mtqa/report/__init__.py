"""Reporters: per-article JSON, Markdown and HTML files, run summaries, and console output.

All share one interface (``start``, ``article``, ``finish``; see ``mtqa.report.base``) and are built
from the run's options by ``build_reporters``.
"""

from mtqa.report.base import Reporter, RunInfo
from mtqa.report.factory import build_reporters

__all__ = ["Reporter", "RunInfo", "build_reporters"]
