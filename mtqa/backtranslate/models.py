"""Finding a translation model and making it ready for a backend, without loading it.

A model is named by hub id (``Helsinki-NLP/opus-mt-de-en``) or local folder. Resolving turns the name into
a folder the backend can load: for CTranslate2 that is a converted folder in the mtqa model cache (a
local Hugging Face folder is converted on first use, a hub model when pulled or first used online), for
transformers the Hugging Face folder itself. Keeping this apart from loading (as COMET does) lets
``mtqa models pull`` run on a machine with internet and ``mtqa check`` run offline, and lets every
failure say what fixes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtqa.errors import ModelUnavailableError

MODEL_DIR_ENV = "MTQA_MODEL_DIR"
METADATA_FILE = "mtqa-model.json"
"""Written last into a converted folder: its absence marks a conversion that did not finish."""
METADATA_VERSION = 1
DEFAULT_QUANTIZATION = "int8"
MAX_OUTPUT_TOKENS = 256
"""Cap on generated tokens: opus-mt allows 511, but a news sentence needs far fewer and a looping
random or broken model would otherwise cost seconds per segment."""
DEFAULT_SOURCE_TOKENS = 512
CT2_BACKEND = "ctranslate2"
TRANSFORMERS_BACKEND = "transformers"
INSTALL_HINTS = {
    CT2_BACKEND: "pip install 'mtqa[ctranslate2]'",
    TRANSFORMERS_BACKEND: "pip install 'mtqa[transformers]'",
}
"""The extra of ``setup.cfg`` that brings each backend; the core install has none of them."""
CONVERT_EXTRA = "pip install 'mtqa[all]'"
"""Converting a Hugging Face model for CTranslate2 runs transformers and torch as well."""

HF_WEIGHT_FILES = (
    "model.safetensors",
    "model.safetensors.index.json",
    "pytorch_model.bin",
    "pytorch_model.bin.index.json",
)
HF_TOKENIZER_FILES = ("source.spm", "tokenizer.json", "sentencepiece.bpe.model", "spiece.model", "vocab.json")
CT2_VOCABULARY_FILES = (
    "shared_vocabulary.json",
    "shared_vocabulary.txt",
    "source_vocabulary.json",
    "source_vocabulary.txt",
)
CARRIED_FILES = (
    "source.spm",
    "target.spm",
    "generation_config.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "tokenizer.json",
    "sentencepiece.bpe.model",
)
"""Files copied from a Hugging Face folder into its CTranslate2 conversion: the tokenizer and the
generation limits, so the CTranslate2 backend tokenizes and stops exactly like the transformers one."""
DOWNLOAD_PATTERNS = ("*.json", "*.spm", "*.model", "*.txt", "*.safetensors")
PYTORCH_PATTERNS = ("pytorch_model*.bin",)
"""Fetched only when a repository has no safetensors: opus-mt repos also hold PyTorch, TF and Rust copies."""
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*(?:/[A-Za-z0-9][\w.-]*)?")
_UNSAFE = re.compile(r"[^\w.-]+")
_FINGERPRINT_SAMPLE = 1 << 20


@dataclass(frozen=True)
class ResolvedModel:
    """A model folder ready for one backend, and what identifies it in a signature."""

    name: str
    """Hub id, or the folder's name for a local model."""
    backend: str
    path: Path
    revision: str
    """Hub commit of the weights, or a content fingerprint of a local folder."""
    quantization: str | None = None
    """Weight type of a CTranslate2 conversion made by mtqa; None when unknown or not converted."""
    max_source_tokens: int = DEFAULT_SOURCE_TOKENS
    """Inputs are cut to this many tokens (including ``</s>``), the same way in every backend."""
    max_output_tokens: int = MAX_OUTPUT_TOKENS


@dataclass(frozen=True)
class CachedModel:
    """One entry of ``mtqa models list``."""

    name: str
    backend: str
    compute_type: str
    path: Path
    size_bytes: int
    revision: str
    complete: bool = True


def default_model_dir() -> Path:
    """``$MTQA_MODEL_DIR``, else ``~/.cache/mtqa/models``."""
    value = os.environ.get(MODEL_DIR_ENV)
    return Path(value).expanduser() if value else Path.home() / ".cache" / "mtqa" / "models"


def is_offline(offline: bool | None = None) -> bool:
    """``offline`` when given, else what ``HF_HUB_OFFLINE`` / ``TRANSFORMERS_OFFLINE`` say."""
    if offline is not None:
        return offline
    return any(
        os.environ.get(var, "").strip().lower() in ("1", "true", "yes", "on")
        for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


def pull_command(name: str, backend: str = CT2_BACKEND, quantization: str = DEFAULT_QUANTIZATION) -> str:
    """The command that downloads (and converts) ``name``; quoted in every 'model unavailable' message."""
    command = f"mtqa models pull {name}"
    if backend != CT2_BACKEND:
        command += f" --backend {backend}"
    elif quantization != DEFAULT_QUANTIZATION:
        command += f" --quantization {quantization}"
    return command


def resolve_model(
    name: str,
    backend: str,
    model_dir: Path | None = None,
    offline: bool | None = None,
    quantization: str | None = None,
) -> ResolvedModel:
    """Turn a hub id or folder into a folder ready for ``backend``; converts for CTranslate2 if needed.

    ``quantization`` is the CTranslate2 weight type of a conversion (default int8). Online, a hub model
    that is not cached yet is downloaded; offline nothing touches the network.
    """
    _check_backend(backend)
    quantization = quantization or DEFAULT_QUANTIZATION
    cache = model_dir or default_model_dir()
    local = Path(name).expanduser()
    if local.exists():
        return _resolve_local(local, backend, cache, quantization)
    if _looks_like_path(name) or not _HUB_ID.fullmatch(name):
        raise ModelUnavailableError(
            f"model folder {name} does not exist (and it is not a hub id); "
            "give an existing folder or a hub id such as Helsinki-NLP/opus-mt-de-en"
        )
    if backend == TRANSFORMERS_BACKEND:
        snapshot = _hub_snapshot(name, backend, quantization, is_offline(offline))
        _check_hf_folder(snapshot, f"model {name} at {snapshot}", fix=pull_command(name, backend))
        return _hf_resolved(name, snapshot, snapshot.name)
    target = cache / f"{_safe(name)}-ct2-{quantization}"
    converted = _complete_conversion(target)
    if converted is not None:
        return converted
    try:
        snapshot = _hub_snapshot(name, backend, quantization, is_offline(offline))
    except ModelUnavailableError as error:
        if target.is_dir():
            problem = _conversion_problem(target, _read_metadata(target)) or "the conversion did not finish"
            raise ModelUnavailableError(
                f"the converted copy at {target} is unusable ({problem}); {error}"
            ) from None
        raise
    _check_hf_folder(snapshot, f"model {name} at {snapshot}", fix=pull_command(name, backend, quantization))
    _check_ct2_supported(snapshot, f"model {name}")
    return _convert(snapshot, target, name, snapshot.name, quantization)


def pull_model(
    name: str,
    backend: str = CT2_BACKEND,
    model_dir: Path | None = None,
    quantization: str = DEFAULT_QUANTIZATION,
) -> Path:
    """Download ``name`` from the hub (or take a local Hugging Face folder) and convert it into the cache.

    Always converts again, so pulling also repairs a broken cached conversion. Returns the folder the
    backend will load.
    """
    _check_backend(backend)
    cache = model_dir or default_model_dir()
    local = Path(name).expanduser()
    if local.exists():
        if not (local.is_dir() and _folder_kind(local) == "hf"):
            return resolve_model(name, backend, cache, offline=True, quantization=quantization).path
        source, display, revision = local, _local_name(local), _fingerprint(local)
        label, fix = f"model folder {local}", "re-save it with save_pretrained or give a complete folder"
        folder_name = _conversion_folder_name(display, revision, quantization)
    else:
        if is_offline(None):
            raise ModelUnavailableError(
                f"cannot pull {name}: offline mode is on (HF_HUB_OFFLINE); unset it on a machine online"
            )
        source = _hub_snapshot(name, backend, quantization, offline=False, refresh=True)
        display, revision = name, source.name
        label, fix = f"model {name} at {source}", "delete that folder and pull again"
        folder_name = _conversion_folder_name(display, None, quantization)
    _check_hf_folder(source, label, fix)
    if backend == TRANSFORMERS_BACKEND:
        _write_pointer(cache, display, source, revision)
        return source
    _check_ct2_supported(source, label)
    return _convert(source, cache / folder_name, display, revision, quantization, force=True).path


def list_models(model_dir: Path | None = None) -> list[CachedModel]:
    """The models mtqa has pulled or converted into ``model_dir``, including unfinished conversions."""
    cache = model_dir or default_model_dir()
    if not cache.is_dir():
        return []
    found = []
    for entry in sorted(cache.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            metadata = _read_metadata(entry)
            if metadata is None:
                found.append(
                    CachedModel(entry.name, CT2_BACKEND, "?", entry, _size(entry), "?", complete=False)
                )
                continue
            complete = _conversion_problem(entry, metadata) is None
            found.append(
                CachedModel(
                    str(metadata.get("name", entry.name)),
                    CT2_BACKEND,
                    str(metadata.get("quantization", "?")),
                    entry,
                    _size(entry),
                    str(metadata.get("revision", "?")),
                    complete,
                )
            )
        elif entry.suffix == ".json" and entry.name.endswith(".transformers.json"):
            pointer = _read_json(entry)
            if isinstance(pointer, dict) and "path" in pointer:
                path = Path(str(pointer["path"]))
                found.append(
                    CachedModel(
                        str(pointer.get("name", entry.name)),
                        TRANSFORMERS_BACKEND,
                        "float32",
                        path,
                        _size(path) if path.is_dir() else 0,
                        str(pointer.get("revision", "?")),
                        path.is_dir(),
                    )
                )
    return found


def _check_backend(backend: str) -> None:
    if backend not in (CT2_BACKEND, TRANSFORMERS_BACKEND):
        raise ModelUnavailableError(
            f"unknown back-translation backend {backend!r}; choose {CT2_BACKEND} or {TRANSFORMERS_BACKEND}"
        )


def _looks_like_path(name: str) -> bool:
    return name.startswith(("/", ".", "~", "\\")) or name.count("/") > 1 or "\\" in name or ":" in name


def _safe(name: str) -> str:
    return _UNSAFE.sub("-", name.replace("/", "--")).strip("-.") or "model"


def _local_name(folder: Path) -> str:
    return folder.resolve().name


def _conversion_folder_name(display: str, fingerprint: str | None, quantization: str) -> str:
    stem = _safe(display) if fingerprint is None else f"{_safe(display)}-{fingerprint[:12]}"
    return f"{stem}-ct2-{quantization}"


def _resolve_local(folder: Path, backend: str, cache: Path, quantization: str) -> ResolvedModel:
    if not folder.is_dir():
        raise ModelUnavailableError(f"model {folder} is a file; give the model's folder")
    kind = _folder_kind(folder)
    display = _local_name(folder)
    if kind == "ct2":
        if backend == TRANSFORMERS_BACKEND:
            raise ModelUnavailableError(
                f"model folder {folder} holds a CTranslate2 model; the transformers backend needs the "
                "original Hugging Face folder (or use --backend ctranslate2)"
            )
        metadata = _read_metadata(folder)
        problem = _conversion_problem(folder, metadata)
        if problem:
            raise ModelUnavailableError(f"model folder {folder} is broken: {problem}; convert it again")
        return _ct2_resolved(folder, metadata, display)
    fix = "re-save it with save_pretrained (model and tokenizer) or give a complete folder"
    _check_hf_folder(folder, f"model folder {folder}", fix)
    fingerprint = _fingerprint(folder)
    if backend == TRANSFORMERS_BACKEND:
        return _hf_resolved(display, folder, fingerprint)
    _check_ct2_supported(folder, f"model folder {folder}")
    target = cache / _conversion_folder_name(display, fingerprint, quantization)
    converted = _complete_conversion(target)
    if converted is not None:
        return converted
    return _convert(folder, target, display, fingerprint, quantization)


def _folder_kind(folder: Path) -> str:
    if (folder / "model.bin").exists():
        return "ct2"
    if (folder / "config.json").exists():
        return "hf"
    raise ModelUnavailableError(
        f"{folder} is not a model folder: no config.json (Hugging Face) and no model.bin (CTranslate2)"
    )


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None


def _json_problem(path: Path) -> str | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return f"{path.name} cannot be read ({exc.strerror or exc})"
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return f"{path.name} is not valid JSON ({exc})"
    if not isinstance(value, dict):
        return f"{path.name} is not a JSON object"
    return None


def _check_hf_folder(folder: Path, label: str, fix: str) -> None:
    """Cheap checks that catch the usual broken downloads before a slow load fails obscurely."""
    problem = _json_problem(folder / "config.json") if (folder / "config.json").exists() else "no config.json"
    if problem is None and not any((folder / f).is_file() for f in HF_WEIGHT_FILES):
        problem = f"no weights ({' or '.join(HF_WEIGHT_FILES[::2])})"
    if problem is None and not any((folder / f).is_file() for f in HF_TOKENIZER_FILES):
        problem = "no tokenizer files (source.spm/target.spm/vocab.json or tokenizer.json)"
    if problem is None and (folder / "source.spm").exists() and not (folder / "target.spm").exists():
        problem = "source.spm without target.spm"
    if problem is None:
        weights = next(folder / f for f in HF_WEIGHT_FILES if (folder / f).is_file())
        if weights.stat().st_size == 0:
            problem = f"{weights.name} is empty"
    if problem:
        raise ModelUnavailableError(f"{label} is broken: {problem}; {fix}")


def _check_ct2_supported(folder: Path, label: str) -> None:
    """The CTranslate2 backend tokenizes with Marian's sentencepiece files; say so before converting."""
    if not ((folder / "source.spm").is_file() and (folder / "target.spm").is_file()):
        raise ModelUnavailableError(
            f"{label} is not a Marian (opus-mt) model, the only kind the CTranslate2 backend runs here; "
            "use --backend transformers"
        )


def _read_metadata(folder: Path) -> dict[str, Any] | None:
    value = _read_json(folder / METADATA_FILE)
    return value if isinstance(value, dict) else None


def _conversion_problem(folder: Path, metadata: dict[str, Any] | None) -> str | None:
    """Why a CTranslate2 folder cannot be used, or None; a size mismatch catches a truncated copy."""
    model_bin = folder / "model.bin"
    if not model_bin.is_file():
        return "model.bin is missing"
    if model_bin.stat().st_size == 0:
        return "model.bin is empty"
    problem = _json_problem(folder / "config.json") if (folder / "config.json").exists() else "no config.json"
    if problem:
        return problem
    if not any((folder / f).is_file() for f in CT2_VOCABULARY_FILES):
        return "no vocabulary file (shared_vocabulary.json)"
    if (folder / "source.spm").is_file() != (folder / "target.spm").is_file():
        return "only one of source.spm and target.spm"
    has_spm = (folder / "source.spm").is_file() and (folder / "target.spm").is_file()
    if not has_spm and not (folder / "tokenizer_config.json").is_file():
        return "no tokenizer (source.spm and target.spm, or tokenizer files)"
    if metadata is not None:
        expected = metadata.get("model_bin_size")
        if isinstance(expected, int) and expected != model_bin.stat().st_size:
            return f"model.bin has {model_bin.stat().st_size} bytes, the conversion wrote {expected}"
    return None


def _complete_conversion(target: Path) -> ResolvedModel | None:
    """A finished, intact conversion at ``target``, or None (missing, unfinished or damaged: redo it)."""
    if not target.is_dir():
        return None
    metadata = _read_metadata(target)
    if metadata is None or _conversion_problem(target, metadata) is not None:
        return None
    return _ct2_resolved(target, metadata, str(metadata.get("name", target.name)))


def _ct2_resolved(folder: Path, metadata: dict[str, Any] | None, display: str) -> ResolvedModel:
    if metadata is None:
        source_limit, output_limit = _limits(folder)
        return ResolvedModel(
            display, CT2_BACKEND, folder, _fingerprint(folder), None, source_limit, output_limit
        )
    return ResolvedModel(
        name=str(metadata.get("name", display)),
        backend=CT2_BACKEND,
        path=folder,
        revision=str(metadata.get("revision", "")) or _fingerprint(folder),
        quantization=str(metadata["quantization"]) if metadata.get("quantization") else None,
        max_source_tokens=int(metadata.get("max_source_tokens", DEFAULT_SOURCE_TOKENS)),
        max_output_tokens=int(metadata.get("max_output_tokens", MAX_OUTPUT_TOKENS)),
    )


def _hf_resolved(name: str, folder: Path, revision: str) -> ResolvedModel:
    source_limit, output_limit = _limits(folder)
    return ResolvedModel(name, TRANSFORMERS_BACKEND, folder, revision, None, source_limit, output_limit)


def _limits(folder: Path) -> tuple[int, int]:
    """Input and output token limits from the tokenizer and generation configs, as transformers reads them."""
    source_limit = DEFAULT_SOURCE_TOKENS
    tokenizer_config = _read_json(folder / "tokenizer_config.json")
    if isinstance(tokenizer_config, dict):
        value = tokenizer_config.get("model_max_length")
        if isinstance(value, int) and 0 < value < 100_000:
            source_limit = value
    config = _read_json(folder / "config.json")
    if isinstance(config, dict):
        positions = config.get("max_position_embeddings")
        if isinstance(positions, int) and positions > 0:
            source_limit = min(source_limit, positions)
    max_length = None
    for file in ("generation_config.json", "config.json"):
        data = _read_json(folder / file)
        if isinstance(data, dict) and isinstance(data.get("max_length"), int):
            max_length = data["max_length"]
            break
    output_limit = MAX_OUTPUT_TOKENS if max_length is None else max(1, min(max_length - 1, MAX_OUTPUT_TOKENS))
    return source_limit, output_limit


def _fingerprint(folder: Path) -> str:
    """A content hash of a local folder that survives copying: names, sizes, and the head and tail of
    every file (reading whole weight files would cost seconds)."""
    digest = hashlib.sha256()
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = file.relative_to(folder).as_posix()
        if relative == METADATA_FILE or relative.startswith("."):
            continue
        size = file.stat().st_size
        digest.update(f"{relative}\0{size}\0".encode())
        with file.open("rb") as handle:
            digest.update(handle.read(_FINGERPRINT_SAMPLE))
            if size > 2 * _FINGERPRINT_SAMPLE:
                handle.seek(-_FINGERPRINT_SAMPLE, os.SEEK_END)
                digest.update(handle.read())
    return digest.hexdigest()[:16]


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _hub_snapshot(name: str, backend: str, quantization: str, offline: bool, refresh: bool = False) -> Path:
    """The Hugging Face cache folder of ``name``; downloaded when online and not cached (or ``refresh``).

    A cached snapshot is used without asking the hub, so a machine without internet that forgot
    ``HF_HUB_OFFLINE`` does not wait for the hub library's retries.
    """
    fix = pull_command(name, backend, quantization)
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        raise ModelUnavailableError(
            f"model {name} needs huggingface_hub to be found; run: {INSTALL_HINTS[backend]}, then {fix}"
        ) from None
    if offline or not refresh:
        try:
            return Path(snapshot_download(name, local_files_only=True))
        except Exception:  # LocalEntryNotFoundError and friends: the hub library's own error types vary
            if offline:
                raise ModelUnavailableError(
                    f"model {name} is not in the cache (offline); run: {fix}"
                ) from None
    try:
        snapshot = Path(snapshot_download(name, allow_patterns=list(DOWNLOAD_PATTERNS)))
        if not any((snapshot / f).is_file() for f in HF_WEIGHT_FILES):
            snapshot = Path(snapshot_download(name, allow_patterns=[*DOWNLOAD_PATTERNS, *PYTORCH_PATTERNS]))
        return snapshot
    except Exception as exc:  # network, authentication and not-found errors from huggingface_hub
        raise ModelUnavailableError(
            f"model {name} could not be downloaded: {_download_problem(exc)}; later run: {fix}"
        ) from None


def _download_problem(exc: Exception) -> str:
    kind, text = type(exc).__name__, str(exc)
    if "RepositoryNotFound" in kind or "RevisionNotFound" in kind:
        return "it does not exist on the Hugging Face hub (or is private)"
    if "Offline" in kind:
        return "offline mode is on (HF_HUB_OFFLINE)"
    if "Connect" in text or "Name or service not known" in text or "Timeout" in kind:
        return "the Hugging Face hub cannot be reached (no internet?)"
    return describe_error(exc)


def _convert(
    source: Path, target: Path, name: str, revision: str, quantization: str, force: bool = False
) -> ResolvedModel:
    """Convert a Hugging Face folder for CTranslate2 into ``target``, atomically.

    The conversion goes to a temporary folder; the metadata file is written last and the folder renamed
    into place, so an interrupted conversion never looks finished.
    """
    if not force:
        done = _complete_conversion(target)
        if done is not None:
            return done
    try:
        from ctranslate2.converters import TransformersConverter
    except ImportError:
        raise ModelUnavailableError(
            f"converting {name} for CTranslate2 needs ctranslate2, transformers and torch; "
            f"run: {CONVERT_EXTRA}"
        ) from None
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".{target.name}.tmp-{os.getpid()}-{time.monotonic_ns()}"
    carried = [f for f in CARRIED_FILES if (source / f).is_file()]
    try:
        with quiet_transformers():
            TransformersConverter(str(source), copy_files=carried, low_cpu_mem_usage=True).convert(
                str(temporary), quantization=quantization, force=True
            )
    except ImportError as exc:
        shutil.rmtree(temporary, ignore_errors=True)
        raise ModelUnavailableError(
            f"converting {name} needs a missing library ({exc}); run: {CONVERT_EXTRA}"
        ) from None
    except Exception as exc:  # the converter runs transformers' loaders, which raise many error types
        shutil.rmtree(temporary, ignore_errors=True)
        raise ModelUnavailableError(
            f"model {name} at {source} could not be converted for CTranslate2 ({describe_error(exc)}); "
            "check that the folder is a complete translation model, or use --backend transformers"
        ) from None
    source_limit, output_limit = _limits(source)
    metadata = {
        "mtqa_model": METADATA_VERSION,
        "name": name,
        "source": str(source),
        "revision": revision,
        "backend": CT2_BACKEND,
        "quantization": quantization,
        "max_source_tokens": source_limit,
        "max_output_tokens": output_limit,
        "model_bin_size": (temporary / "model.bin").stat().st_size,
        "ctranslate2": _ctranslate2_version(),
        "converted": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (temporary / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    try:
        temporary.rename(target)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)
        done = _complete_conversion(target)
        if done is None:
            raise ModelUnavailableError(
                f"model {name}: could not move the conversion into {target}; check the folder's permissions"
            ) from None
        return done
    return _ct2_resolved(target, metadata, name)


def describe_error(exc: BaseException) -> str:
    """One line naming what went wrong inside a third-party loader, for a 'model unavailable' message."""
    text = str(exc)
    if "mismatched_sizes" in text or "size mismatch" in text:
        return "the weights do not match config.json"
    first = text.splitlines()[0] if text else ""
    return f"{type(exc).__name__}: {first}"[:300]


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """Silence transformers' progress bars, load reports and advice while a model is loaded or converted:
    problems surface as a ``ModelUnavailableError`` instead."""
    from transformers.utils import logging as transformers_logging

    level = transformers_logging.get_verbosity()
    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        transformers_logging.set_verbosity(level)
        transformers_logging.enable_progress_bar()


def _ctranslate2_version() -> str:
    import ctranslate2

    return str(ctranslate2.__version__)


def _write_pointer(cache: Path, name: str, snapshot: Path, revision: str) -> None:
    """Record a transformers-backend pull so ``mtqa models list`` shows it (files stay in the hub cache)."""
    cache.mkdir(parents=True, exist_ok=True)
    pointer = {"name": name, "path": str(snapshot), "revision": revision, "backend": TRANSFORMERS_BACKEND}
    (cache / f"{_safe(name)}.transformers.json").write_text(
        json.dumps(pointer, indent=2) + "\n", encoding="utf-8"
    )
