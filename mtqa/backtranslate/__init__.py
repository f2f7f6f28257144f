"""Back-translation: translation backends, model resolution, and (in scorer.py) segment scores.

Importing this package is cheap: torch, transformers and ctranslate2 are imported only by the backend
modules, when ``load_translator`` asks for one.
"""

from mtqa.backtranslate.backend import BACKENDS, BackendOptions, Translator, load_translator
from mtqa.backtranslate.models import (
    CachedModel,
    ResolvedModel,
    default_model_dir,
    list_models,
    pull_model,
    resolve_model,
)

__all__ = [
    "BACKENDS",
    "BackendOptions",
    "CachedModel",
    "ResolvedModel",
    "Translator",
    "default_model_dir",
    "list_models",
    "load_translator",
    "pull_model",
    "resolve_model",
]
