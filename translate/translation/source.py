"""Find a MarianMT model on disk (a local directory or the hub's download cache) and its tokenizer.

Everything here is free of torch, and of transformers unless a tokenizer needs
it: the CTranslate2 backend runs without either.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from translate.errors import TarjamaError, first_line
from translate.translation.presets import PRESETS, resolve_model

if TYPE_CHECKING:
    from translate.translation.tokenizer import Tokenizer

log = logging.getLogger(__name__)

WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
REQUIRED_FILES = ("config.json", "source.spm", "target.spm", "vocab.json")
IDENTITY_FILES = (*REQUIRED_FILES, "generation_config.json", "tokenizer_config.json")
"""With the weights, every file whose content changes a translation: what a local model *is*."""
# scripts/make_tiny_model.py marks its random-weight model in config.json, so that the
# outputs made with it can say so where a user looks, not only in the README.
DEMO_KEY = "tarjama_demo"
DEMO_NOTE = "demo model with random weights: the English is nonsense by design"
TUNED_KEY = "tarjama_tuned"
"""Written into config.json by ``tarjama tune`` (translate/tuning/train.py): the base model and the data it was tuned on."""


@dataclass(frozen=True, slots=True)
class ModelSource:
    """A model directory on disk and what identifies its weights."""

    model_id: str
    path: Path
    revision: str
    config: dict[str, Any]
    generation: dict[str, Any]
    identity: str = ""
    """What the model is, however its path was spelled: the hub id, or ``local:<content hash>`` for a
    directory.  It keys the translation memory and the conversion cache; ``model_id`` (the name as
    given) stays for provenance, so an output still says which path the user passed."""

    def __post_init__(self) -> None:
        if not self.identity:
            object.__setattr__(self, "identity", self.model_id)

    @property
    def max_positions(self) -> int:
        return int(self.config.get("max_position_embeddings") or 512)

    @property
    def default_beam(self) -> int:
        return int(self.generation.get("num_beams") or self.config.get("num_beams") or 1)

    @property
    def note(self) -> str | None:
        """What every output must tell its reader about the model: the demo model's nonsense English, a tuning and its base."""
        notes = [DEMO_NOTE] if self.config.get(DEMO_KEY) is True else []
        tuned = self.config.get(TUNED_KEY)
        if isinstance(tuned, dict):
            notes.append(
                f"tuned by tarjama tune from {tuned.get('base', '?')} (revision {tuned.get('base_revision', '?')})"
                f" on {tuned.get('pairs', '?')} human translation pairs ({tuned.get('data_sha256', '?')}), {tuned.get('finished', '?')}"
            )
        return "; ".join(notes) or None

    @property
    def warning(self) -> str | None:
        """What a user must be warned of on every run: only the demo model's nonsense English.

        A tuning is provenance, not a hazard: it goes into every output's note, and a warning on every
        run with a team's own tuned model would teach users to skip warnings."""
        return DEMO_NOTE if self.config.get(DEMO_KEY) is True else None

    @property
    def max_length(self) -> int:
        length = self.generation.get("max_length") or self.config.get("max_length") or self.max_positions
        return min(int(length), self.max_positions)


def resolve_source(model: str | None) -> ModelSource:
    """The model directory for a preset, hub id or path, or a one-line error saying what to do."""
    model_id = resolve_model(model)
    path = Path(model_id).expanduser()
    if path.is_dir():
        _check_directory(model_id, path)
        revision = _content_digest(path)
        identity = f"local:{revision}"
    elif _looks_like_path(model_id):
        raise TarjamaError(f"model directory {model_id!r} does not exist; pass --model DIR with a MarianMT model directory, or {presets_hint()}")
    elif "/" not in model_id:  # every MarianMT hub id is owner/name: a bare word is a mistyped preset or folder
        raise TarjamaError(f"unknown model {model_id!r}: not a preset, a model directory or a hub id (owner/name); {presets_hint()}")
    else:
        path, revision = _hub_snapshot(model_id)
        identity = model_id
    config = _read_json(path / "config.json")
    generation = _read_json(path / "generation_config.json") if (path / "generation_config.json").is_file() else {}
    return ModelSource(model_id, path, revision, config, generation, identity)


def presets_hint() -> str:
    """The presets, for every error that says a model was not found: the user may have mistyped one."""
    return "presets: " + ", ".join(f"{p.name} = {p.hub_id}" for p in PRESETS.values())


def load_tokenizer(source: ModelSource) -> Tokenizer:
    """The model's tokenizer: :class:`MarianSentencePiece` (``sentencepiece`` alone, no transformers).

    ``MarianTokenizer`` is loaded instead only for a model directory whose
    tokenizer settings MarianSentencePiece does not reproduce exactly (it says
    so with :class:`UnsupportedTokenizer`): importing transformers costs four
    seconds, tokenizing differently would cost correctness.
    """
    from translate.translation.tokenizer import MarianSentencePiece, UnsupportedTokenizer

    try:
        return MarianSentencePiece.from_dir(source.path)
    except UnsupportedTokenizer as exc:
        log.info("%s: loading transformers' MarianTokenizer, since %s", source.model_id, exc)
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise TarjamaError(f"cannot load the tokenizer of {source.model_id!r}: {first_line(exc)}") from exc
    return TransformersTokenizer.from_dir(source)


class TransformersTokenizer:
    """transformers' ``MarianTokenizer`` behind the :class:`Tokenizer` interface: the fallback."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.model_max_length = int(min(inner.model_max_length, 1 << 31))
        self.pad_token_id: int | None = inner.pad_token_id
        # Source ids to the strings CTranslate2's source vocabulary holds (MarianTokenizer's own
        # convert_ids_to_tokens reads the *target* vocabulary, wrong for separate vocabularies).
        decoder = {i: t for t, i in inner.get_src_vocab().items()}
        decoder.update({i: t.content for i, t in inner.added_tokens_decoder.items()})
        self._source_decoder = decoder

    @classmethod
    def from_dir(cls, source: ModelSource) -> TransformersTokenizer:
        from transformers import MarianTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        try:
            with contextlib.redirect_stderr(io.StringIO()):
                return cls(MarianTokenizer.from_pretrained(str(source.path)))
        except Exception as exc:
            raise TarjamaError(f"cannot load the tokenizer of {source.model_id!r}: {first_line(exc)}") from exc

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        return [list(ids) for ids in self._inner(list(texts))["input_ids"]]

    def decode(self, ids_list: Sequence[Sequence[int]]) -> list[str]:
        return [text.strip() for text in self._inner.batch_decode([list(ids) for ids in ids_list], skip_special_tokens=True)]

    def source_tokens(self, ids: Iterable[int]) -> list[str]:
        return [self._source_decoder[i] for i in ids]

    def __call__(self, text: str | Sequence[str]) -> Any:
        """``MarianTokenizer(text)``, for code written against it."""
        return self._inner(text if isinstance(text, str) else list(text))


def _check_directory(model_id: str, path: Path) -> None:
    missing = [n for n in REQUIRED_FILES if not (path / n).is_file()]
    if missing or not any((path / n).is_file() for n in WEIGHT_FILES):
        what = ", ".join(missing) if missing else "model weights (model.safetensors or pytorch_model.bin)"
        raise TarjamaError(f"{model_id}: not a MarianMT model directory (missing {what})")


def _hub_snapshot(model_id: str) -> tuple[Path, str]:
    """The hub model's files from the download cache, downloading them when the hub is reachable."""
    from huggingface_hub import snapshot_download

    patterns = ["*.json", "*.spm", "model.safetensors", "pytorch_model.bin"]
    offline = os.environ.get("HF_HUB_OFFLINE") not in (None, "", "0")
    try:
        try:
            path = Path(snapshot_download(model_id, allow_patterns=patterns, local_files_only=True))
        except Exception:
            if offline:
                raise
            _require_hub(model_id)
            with contextlib.redirect_stderr(io.StringIO()):
                path = Path(snapshot_download(model_id, allow_patterns=patterns))
        _check_directory(model_id, path)
    except TarjamaError:
        raise
    except Exception as exc:
        raise TarjamaError(
            f"cannot load model {model_id!r}: {first_line(exc)[:200]}; to work offline, pass --model DIR with a downloaded MarianMT model directory; {presets_hint()}"
        ) from exc
    return path, path.name  # the snapshot folder is named by the commit hash


def _require_hub(model_id: str) -> None:
    """Fail in seconds, not minutes of retries, when the model hub cannot be reached."""
    from huggingface_hub import constants

    url = urlparse(constants.ENDPOINT)
    host, port = url.hostname or "huggingface.co", url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError:
        raise TarjamaError(
            f"model {model_id!r} is neither a local directory nor in the download cache, and the model hub "
            f"({host}) cannot be reached; download it on a connected machine and pass --model DIR; {presets_hint()}"
        ) from None


def _looks_like_path(name: str) -> bool:
    return name.startswith((".", "/", "~")) or os.sep + os.sep in name or name.count("/") > 1 or name.endswith("/")


def _content_digest(path: Path) -> str:
    """A local model directory's identity and revision: a hash of the content of every file that shapes a translation.

    Content, not the path: ``models/tiny``, its absolute path, a symlink to it
    and a copy of it are one model (one conversion, one set of memory
    entries); change a weight or the vocabulary and it is another.  The whole
    weight file is hashed, not a sample of it: two fine-tuned checkpoints of
    one base model can share their size and their first and last megabytes.
    That costs about 0.3 s for a 300 MB model once per file version (see
    :func:`_weights_digest`); the small files are hashed on every run.
    """
    digest = hashlib.sha256()
    for name in sorted(IDENTITY_FILES):
        file = path / name
        if file.is_file():
            digest.update(f"{name}\0{hashlib.sha256(file.read_bytes()).hexdigest()}\0".encode())
    digest.update(f"weights\0{_weights_digest(path)}".encode())
    return f"sha256:{digest.hexdigest()[:16]}"


def _weights_digest(path: Path) -> str:
    """The hash of the weight file's content.

    Hashing a 1 GB model takes seconds, so the hash is remembered in the cache
    directory, under the file's resolved path, for as long as the file keeps its
    size and modification time: those only say when to hash again, they are
    never the identity.
    """
    for name in WEIGHT_FILES:
        weights = path / name
        if weights.is_file():
            stat = weights.stat()
            stamp = [stat.st_size, stat.st_mtime_ns]
            known = _read_digests()
            entry = known.get(str(weights.resolve()))
            if entry and entry[:2] == stamp:
                return entry[2]
            digest = hashlib.sha256()
            with weights.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
            revision = f"sha256:{digest.hexdigest()[:16]}"
            known[str(weights.resolve())] = [*stamp, revision]
            _write_digests(known)
            return revision
    raise TarjamaError(f"{path}: no model weights")


def _digests_file() -> Path:
    from translate.cache import cache_dir

    return cache_dir() / "weight-digests.json"


def _read_digests() -> dict[str, list]:
    try:
        data = json.loads(_digests_file().read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_digests(known: dict[str, list]) -> None:
    """Best effort: a cache that cannot be written only costs a re-hash next time."""
    from translate.textio import write_atomic

    try:
        _digests_file().parent.mkdir(parents=True, exist_ok=True)
        write_atomic(_digests_file(), json.dumps(known, indent=0))
    except (OSError, TarjamaError):
        pass


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TarjamaError(f"cannot read {path}: {first_line(exc)}") from exc
