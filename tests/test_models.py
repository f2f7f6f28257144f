"""Model resolution: hub ids, local folders, conversion into the cache, and every way a model is unusable.

Everything runs offline on the tiny model from ``tests.tiny_models``; a hub model is imitated with a
fake Hugging Face cache, so the hub-id path is the one a pulled opus-mt model takes.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mtqa.backtranslate import list_models, load_translator, pull_model, resolve_model
from mtqa.backtranslate.models import METADATA_FILE, default_model_dir, is_offline, pull_command
from mtqa.errors import ModelUnavailableError
from tests.tiny_models import fake_hub_cache

HUB_ID = "mtqa-test/tiny-opus-mt-de-en"
REVISION = "0123456789abcdef0123456789abcdef01234567"
SENTENCES = ["Der Kreml sagte am Montag neue Gespräche über Sicherheit.", "Die Armee bestätigte den Bericht."]


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test here may reach the network, and none may touch the user's model cache."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("MTQA_MODEL_DIR", str(tmp_path / "default-model-dir"))


@pytest.fixture
def hub_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tiny_marian_dir: Path) -> Path:
    """The tiny model as if pulled from the hub as ``HUB_ID`` (the hub cache points at a temp folder)."""
    import huggingface_hub.constants

    root = tmp_path / "hf-hub"
    fake_hub_cache(root, HUB_ID, tiny_marian_dir, REVISION)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(root))
    return root


def copy_of(folder: Path, tmp_path: Path, name: str = "model") -> Path:
    target = tmp_path / name
    shutil.copytree(folder, target)
    return target


@pytest.mark.parametrize(
    ("env", "expected"),
    [(None, Path.home() / ".cache" / "mtqa" / "models"), ("/srv/models", Path("/srv/models"))],
)
def test_default_model_dir(monkeypatch: pytest.MonkeyPatch, env: str | None, expected: Path) -> None:
    if env is None:
        monkeypatch.delenv("MTQA_MODEL_DIR", raising=False)
    else:
        monkeypatch.setenv("MTQA_MODEL_DIR", env)
    assert default_model_dir() == expected


@pytest.mark.parametrize(
    ("hub_env", "transformers_env", "argument", "expected"),
    [
        ("1", None, None, True),
        ("true", None, None, True),
        ("0", None, None, False),
        (None, "1", None, True),
        (None, None, None, False),
        ("1", None, False, False),
        (None, None, True, True),
    ],
)
def test_is_offline(
    monkeypatch: pytest.MonkeyPatch,
    hub_env: str | None,
    transformers_env: str | None,
    argument: bool | None,
    expected: bool,
) -> None:
    for var, value in (("HF_HUB_OFFLINE", hub_env), ("TRANSFORMERS_OFFLINE", transformers_env)):
        if value is None:
            monkeypatch.delenv(var, raising=False)
        else:
            monkeypatch.setenv(var, value)
    assert is_offline(argument) is expected


@pytest.mark.parametrize(
    ("backend", "quantization", "expected"),
    [
        ("ctranslate2", "int8", "mtqa models pull X/y"),
        ("ctranslate2", "float16", "mtqa models pull X/y --quantization float16"),
        ("transformers", "int8", "mtqa models pull X/y --backend transformers"),
    ],
)
def test_pull_command(backend: str, quantization: str, expected: str) -> None:
    assert pull_command("X/y", backend, quantization) == expected


def test_local_folder_is_converted_once_into_the_cache(
    tiny_marian_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache = tmp_path / "cache"
    first = resolve_model(str(tiny_marian_dir), "ctranslate2", cache)
    assert first.path.parent == cache
    assert first.path.name.endswith("-ct2-int8")
    assert first.quantization == "int8"
    assert (first.path / METADATA_FILE).is_file()
    assert {"model.bin", "source.spm", "target.spm", "generation_config.json"} <= {
        p.name for p in first.path.iterdir()
    }

    import ctranslate2.converters

    def no_conversion(*args: object, **kwargs: object) -> None:
        raise AssertionError("converted a second time")

    monkeypatch.setattr(ctranslate2.converters, "TransformersConverter", no_conversion)
    assert resolve_model(str(tiny_marian_dir), "ctranslate2", cache) == first


def test_transformers_backend_uses_the_folder_itself(tiny_marian_dir: Path, tmp_path: Path) -> None:
    resolved = resolve_model(str(tiny_marian_dir), "transformers", tmp_path / "cache")
    assert resolved.path == tiny_marian_dir
    assert re.fullmatch(r"[0-9a-f]{16}", resolved.revision)
    assert resolved.name == tiny_marian_dir.name
    assert (resolved.max_source_tokens, resolved.max_output_tokens) == (256, 23)
    assert not (tmp_path / "cache").exists()


def test_fingerprint_follows_content_not_location(tiny_marian_dir: Path, tmp_path: Path) -> None:
    original = resolve_model(str(tiny_marian_dir), "transformers").revision
    copy = copy_of(tiny_marian_dir, tmp_path, tiny_marian_dir.name)
    assert resolve_model(str(copy), "transformers").revision == original
    config = json.loads((copy / "config.json").read_text(encoding="utf-8"))
    config["max_length"] = 30
    (copy / "config.json").write_text(json.dumps(config), encoding="utf-8")
    assert resolve_model(str(copy), "transformers").revision != original


@pytest.mark.parametrize("backend", ["ctranslate2", "transformers"])
def test_hub_model_resolves_offline_from_the_hub_cache(hub_cache: Path, tmp_path: Path, backend: str) -> None:
    translator = load_translator(HUB_ID, backend, model_dir=tmp_path / "cache", compute_type="float32")
    assert translator.signature().startswith(f"model={HUB_ID}@{REVISION}|backend={backend}|")
    assert all(translator.translate(SENTENCES))


def test_cached_hub_model_needs_no_network_even_online(
    hub_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import huggingface_hub

    real_download = huggingface_hub.snapshot_download

    def local_only(repo_id: str, **options: Any) -> str:
        if not options.get("local_files_only"):
            raise AssertionError(f"asked the hub for {repo_id} although it is cached")
        return str(real_download(repo_id, **options))

    monkeypatch.setattr(huggingface_hub, "snapshot_download", local_only)
    monkeypatch.delenv("HF_HUB_OFFLINE")
    for backend in ("ctranslate2", "transformers"):
        assert resolve_model(HUB_ID, backend, tmp_path / "cache", offline=False).revision == REVISION


def test_hub_model_and_local_folder_translate_alike(
    hub_cache: Path,
    tiny_marian_dir: Path,
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    from_hub = load_translator(HUB_ID, model_dir=cache, compute_type="float32")
    from_folder = load_translator(str(tiny_marian_dir), model_dir=cache, compute_type="float32")
    assert from_hub.translate(SENTENCES) == from_folder.translate(SENTENCES)
    assert [m.name for m in list_models(tmp_path / "cache")] == [HUB_ID, tiny_marian_dir.name]


@pytest.mark.parametrize("backend", ["ctranslate2", "transformers"])
@pytest.mark.parametrize("name", [HUB_ID, "mtqa-test/no-such-model"])
def test_missing_hub_model_offline_says_how_to_pull(tmp_path: Path, backend: str, name: str) -> None:
    with pytest.raises(ModelUnavailableError) as error:
        load_translator(name, backend, model_dir=tmp_path / "cache")
    message = str(error.value)
    assert "not in the cache (offline)" in message
    assert f"run: mtqa models pull {name}" in message


@pytest.mark.parametrize("name", ["./no/such/folder", "/no/such/folder", "not a hub id!"])
def test_missing_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        resolve_model(name, "ctranslate2", tmp_path)


def _write(name: str, text: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        (folder / name).write_text(text, encoding="utf-8")

    return damage


def _delete(*names: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        for name in names:
            (folder / name).unlink()

    return damage


def _truncate(name: str, size: int) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        with (folder / name).open("r+b") as handle:
            handle.truncate(size)

    return damage


def _wrong_dimensions(folder: Path) -> None:
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config["d_model"] = 32
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")


BROKEN_HF_FOLDERS = [
    ("config-garbage", _write("config.json", "garbage{"), "config.json is not valid JSON"),
    ("config-not-object", _write("config.json", "[1, 2]"), "config.json is not a JSON object"),
    ("no-config", _delete("config.json"), "not a model folder"),
    ("no-weights", _delete("model.safetensors"), "no weights"),
    ("empty-weights", _truncate("model.safetensors", 0), "model.safetensors is empty"),
    ("truncated-weights", _truncate("model.safetensors", 1000), "SafetensorError"),
    ("no-tokenizer", _delete("source.spm", "target.spm", "vocab.json"), "no tokenizer files"),
    ("no-target-spm", _delete("target.spm"), "source.spm without target.spm"),
    ("wrong-dimensions", _wrong_dimensions, "the weights do not match config.json"),
]


@pytest.mark.parametrize("backend", ["ctranslate2", "transformers"])
@pytest.mark.parametrize(
    ("damage", "reason"), [(d, r) for _, d, r in BROKEN_HF_FOLDERS], ids=[i for i, _, _ in BROKEN_HF_FOLDERS]
)
def test_broken_hugging_face_folder(
    tiny_marian_dir: Path,
    tmp_path: Path,
    backend: str,
    damage: Callable[[Path], None],
    reason: str,
) -> None:
    folder = copy_of(tiny_marian_dir, tmp_path)
    damage(folder)
    with pytest.raises(ModelUnavailableError) as error:
        load_translator(str(folder), backend, model_dir=tmp_path / "cache")
    assert reason in str(error.value)
    assert str(folder) in str(error.value)
    assert not any(p.name.startswith(".") for p in (tmp_path / "cache").glob("*")), "temporary folder left"


BROKEN_CT2_FOLDERS = [
    ("truncated-model-bin", _truncate("model.bin", 2000), "cannot be loaded by CTranslate2"),
    ("empty-model-bin", _truncate("model.bin", 0), "model.bin is empty"),
    ("config-garbage", _write("config.json", "{"), "config.json is not valid JSON"),
    ("no-vocabulary", _delete("shared_vocabulary.json"), "no vocabulary file"),
    ("no-tokenizer", _delete("source.spm", "target.spm"), "no tokenizer"),
    ("one-spm", _delete("target.spm"), "only one of source.spm and target.spm"),
]


@pytest.mark.parametrize(
    ("damage", "reason"),
    [(d, r) for _, d, r in BROKEN_CT2_FOLDERS],
    ids=[i for i, _, _ in BROKEN_CT2_FOLDERS],
)
def test_broken_ctranslate2_folder(
    tiny_ct2_dir: Path,
    tmp_path: Path,
    damage: Callable[[Path], None],
    reason: str,
) -> None:
    folder = copy_of(tiny_ct2_dir, tmp_path)
    damage(folder)
    with pytest.raises(ModelUnavailableError) as error:
        load_translator(str(folder), model_dir=tmp_path / "cache")
    assert reason in str(error.value)


def test_ctranslate2_folder_is_used_as_is(tiny_ct2_dir: Path, tmp_path: Path) -> None:
    resolved = resolve_model(str(tiny_ct2_dir), "ctranslate2", tmp_path / "cache")
    assert resolved.path == tiny_ct2_dir
    assert resolved.quantization is None
    assert not (tmp_path / "cache").exists()


def test_transformers_backend_rejects_a_ctranslate2_folder(tiny_ct2_dir: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="original Hugging Face folder"):
        resolve_model(str(tiny_ct2_dir), "transformers")


def test_damaged_conversion_of_a_local_folder_is_redone(tiny_marian_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    converted = resolve_model(str(tiny_marian_dir), "ctranslate2", cache).path
    size = (converted / "model.bin").stat().st_size
    _truncate("model.bin", size // 2)(converted)
    assert [m.complete for m in list_models(cache)] == [False]
    assert resolve_model(str(tiny_marian_dir), "ctranslate2", cache).path == converted
    assert (converted / "model.bin").stat().st_size == size
    assert [m.complete for m in list_models(cache)] == [True]


@pytest.mark.parametrize(
    "damage",
    [_truncate("model.bin", 100), _delete(METADATA_FILE), _delete("target.spm")],
    ids=["truncated", "unfinished", "no-target-spm"],
)
def test_damaged_hub_conversion_offline_says_how_to_pull(
    hub_cache: Path, tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    cache = tmp_path / "cache"
    converted = resolve_model(HUB_ID, "ctranslate2", cache).path
    damage(converted)
    shutil.rmtree(hub_cache)
    with pytest.raises(ModelUnavailableError) as error:
        resolve_model(HUB_ID, "ctranslate2", cache)
    assert f"the converted copy at {converted} is unusable" in str(error.value)
    assert f"run: mtqa models pull {HUB_ID}" in str(error.value)


def test_list_models(tiny_marian_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert list_models(cache) == []
    int8 = resolve_model(str(tiny_marian_dir), "ctranslate2", cache).path
    float32 = pull_model(str(tiny_marian_dir), model_dir=cache, quantization="float32")
    listed = list_models(cache)
    assert [(m.name, m.backend, m.compute_type, m.path, m.complete) for m in listed] == [
        (tiny_marian_dir.name, "ctranslate2", "float32", float32, True),
        (tiny_marian_dir.name, "ctranslate2", "int8", int8, True),
    ]
    assert listed[1].size_bytes < listed[0].size_bytes
    assert all(m.revision == resolve_model(str(tiny_marian_dir), "transformers").revision for m in listed)


def test_pull_from_the_hub_refuses_offline(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="offline mode is on"):
        pull_model(HUB_ID, model_dir=tmp_path)


@pytest.mark.parametrize(("backend", "device"), [("marian", "cpu"), ("ctranslate2", "tpu")])
def test_unknown_backend_or_device(
    tiny_marian_dir: Path,
    tmp_path: Path,
    backend: str,
    device: str,
) -> None:
    with pytest.raises(ModelUnavailableError, match=r"marian|tpu"):
        load_translator(str(tiny_marian_dir), backend, device, model_dir=tmp_path)


def test_importing_the_package_loads_no_heavy_library() -> None:
    code = (
        "import sys, mtqa.backtranslate; "
        "print([m for m in ('torch', 'transformers', 'ctranslate2') if m in sys.modules])"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"
