"""What runs on the Ray workers: one model (or one aligner) per process, stateless otherwise.

A worker is handed unique, normalised segments and the settings value, and
hands back translations; it never sees the translation memory, the inputs or
the output folder.  That is what makes a killed worker harmless: the driver
resubmits its batch to the restarted (or another) worker, and a sentence's
translation does not depend on which batch carried it (the engine's guarantee,
see :mod:`translate.translation.engine`), so the files do not change.

The classes here are plain Python; :mod:`translate.cluster.runner` wraps them
with ``ray.remote`` so that this module imports without Ray (and is tested
without it).  Loading errors are kept and reported by ``describe``, not
raised from ``__init__``: a failed constructor reaches the driver only as a
remote traceback on the first call, and the driver must say in one line that a
node cannot read the model directory, before any work is sent.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from translate import __version__

if TYPE_CHECKING:
    from translate.alignment.aligner import SentenceAligner
    from translate.model import Alignment, Document
    from translate.settings import DecodingSettings, DecodingSignature
    from translate.translation.engine import Translation, Translator
    from translate.translation.memory import ModelKey


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """The worker's loaded translator as the outputs' provenance names it (a :class:`translate.pipeline.ModelDescription`).

    The signature is taken after the model has really loaded, so the memory
    key and the provenance are those a local run that decodes writes.
    """

    model_id: str
    revision: str | None
    model_note: str | None
    signature: DecodingSignature
    memory_key: ModelKey

    @property
    def decoding(self) -> str:
        return self.signature.provenance_text


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """What the driver must know of a worker before sending work: the outputs' provenance, or why it cannot work."""

    host: str
    pid: int
    tool_version: str
    error: str | None = None
    model: ModelInfo | None = None
    aligner: str | None = None

    @property
    def decoding(self) -> str | None:
        return self.model.decoding if self.model is not None else None


class TranslationWorker:
    """One translator, loaded once per process; ``translate`` is segments in, translations out."""

    def __init__(self, model: str, settings: DecodingSettings) -> None:
        self._translator: Translator | None = None
        self._error: str | None = None
        try:
            from translate.translation import load_translator

            translator = load_translator(model, settings)
            translator.load()  # now, not on the first call: a node that cannot load the model says so before any work
            self._translator = translator
        except Exception as exc:  # noqa: BLE001 - reported by describe() as one line (see the module docstring)
            self._error = f"{type(exc).__name__}: {exc}" if not _is_user_error(exc) else str(exc)

    def describe(self) -> WorkerInfo:
        base = WorkerInfo(socket.gethostname(), os.getpid(), __version__, self._error)
        translator = self._translator
        if translator is None:
            return base
        model = ModelInfo(translator.model_id, translator.revision, translator.model_note, translator.signature, translator.memory_key)
        return WorkerInfo(base.host, base.pid, __version__, None, model)

    def pid(self) -> int:
        return os.getpid()

    def translate(self, keys: Sequence[str]) -> list[Translation]:
        """Unique normalised segments, translated without a memory (the driver holds it)."""
        if self._translator is None:
            raise RuntimeError(self._error or "the worker has no model")
        return self._translator.translate_segments(list(keys))


class AlignmentWorker:
    """One aligner (its embedding model loaded once per process); ``align`` is a document pair in, an alignment out."""

    def __init__(self) -> None:
        self._aligner: SentenceAligner | None = None
        self._error: str | None = None
        try:
            from translate.alignment.aligner import SentenceAligner

            self._aligner = SentenceAligner()
        except Exception as exc:  # noqa: BLE001 - reported by describe()
            self._error = f"{type(exc).__name__}: {exc}" if not _is_user_error(exc) else str(exc)

    def describe(self) -> WorkerInfo:
        aligner = self._aligner.signature if self._aligner is not None else None
        return WorkerInfo(socket.gethostname(), os.getpid(), __version__, self._error, aligner=aligner)

    def pid(self) -> int:
        return os.getpid()

    def align(self, source: Document, target: Document, presegmented: bool) -> Alignment:
        from translate.jobs.corpus import align_pair

        if self._aligner is None:
            raise RuntimeError(self._error or "the worker has no aligner")
        return align_pair(source, target, presegmented, self._aligner)


def _is_user_error(exc: BaseException) -> bool:
    from translate.errors import TarjamaError

    return isinstance(exc, TarjamaError)
