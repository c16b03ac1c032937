"""The translation settings as one picklable value: what the driver ships to every worker.

A worker builds its translator from the model id and this value alone, so the
workers of one job decode exactly as a local run with the same options does.
(Issue 13 gives the library its own typed settings value; this one then goes.)
"""

from __future__ import annotations

from dataclasses import dataclass

from translate.translation.engine import DEFAULT_BATCH_SIZE, DEFAULT_BATCH_TOKENS, DEFAULT_NO_REPEAT_NGRAM


@dataclass(frozen=True, slots=True)
class EngineSettings:
    backend: str = "auto"
    device: str = "auto"
    compute_type: str = "default"
    beam: int | None = None
    batch_tokens: int = DEFAULT_BATCH_TOKENS
    batch_size: int = DEFAULT_BATCH_SIZE
    no_repeat_ngram_size: int = DEFAULT_NO_REPEAT_NGRAM
    fixed_length: int | None = None
    """Benchmarks only: every output exactly this many tokens (a random-weight model's length is otherwise arbitrary)."""

    def load(self, model: str, memory: object | None = None):  # -> engine.Translator
        from translate.translation import load_translator

        return load_translator(
            model,
            backend=self.backend,
            device=self.device,
            compute_type=self.compute_type,
            beam=self.beam,
            batch_tokens=self.batch_tokens,
            batch_size=self.batch_size,
            no_repeat_ngram_size=self.no_repeat_ngram_size,
            fixed_length=self.fixed_length,
            memory=memory,
            quiet=True,
        )
