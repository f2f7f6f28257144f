"""mtqa: find machine-translation artefacts in German news and score translations."""

__version__ = "0.1.0"
