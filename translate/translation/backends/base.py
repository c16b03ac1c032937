"""What a decoding backend does: token ids in, token ids out.

Tokenization stays outside the backends (one tokenizer for all), so
every backend sees exactly the same input pieces and the engine can compare,
cache and check their outputs token by token.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Sequence


class Backend(ABC):
    name: str
    device: str
    compute_type: str
    parallelism: int = 1
    """How many batches it decodes at once from as many calling threads (CTranslate2's replicas); 1: one at a time."""

    @property
    def signature(self) -> str:
        """Backend and numeric precision: both change outputs, so both key the memory."""
        return f"{self.name}:{self.compute_type}"

    @abstractmethod
    def generate(
        self,
        batch: Sequence[Sequence[int]],
        *,
        beam: int,
        max_new_tokens: int,
        min_new_tokens: int = 0,
        no_repeat_ngram_size: int = 0,
    ) -> list[list[int]]:
        """Translate a batch of source ids (each ending with </s>).

        Returns the output ids of each sentence without the decoder's start
        token, the end token or padding.  With ``min_new_tokens ==
        max_new_tokens`` every output has exactly that many tokens (benchmarks);
        otherwise an output that reaches ``max_new_tokens`` ends there with
        ``max_new_tokens - 1`` tokens and a forced end token, as Marian's
        generation config says.
        """


    @abstractmethod
    def n_best(self, ids: Sequence[int], *, beam: int, count: int, max_new_tokens: int, min_new_tokens: int = 0) -> list[list[int]]:
        """The ``count`` best outputs for one sentence, best first, under the same length rule as :meth:`generate`.

        For a translator's alternatives (LibreTranslate's ``alternatives``):
        the decoder's own n-best list, with a beam at least ``count`` wide.
        """


def cpu_threads() -> int:
    """The cores this process may use (a container or taskset may allow fewer than the machine has).

    A scheduler that gives the process fewer cores than it can see says so in
    ``OMP_NUM_THREADS`` (Ray sets it to an actor's ``num_cpus``): two workers
    each decoding on every core of one machine would only fight over them.
    """
    try:
        cores = max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        cores = max(1, os.cpu_count() or 1)
    granted = os.environ.get("OMP_NUM_THREADS", "")
    return min(cores, int(granted)) if granted.isdigit() and int(granted) > 0 else cores
