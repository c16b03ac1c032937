"""What a decoding backend does: requests of token ids in, scored hypotheses out.

Tokenization stays outside the backends (one tokenizer for all), so
every backend sees exactly the same input pieces and the engine can compare,
cache and check their outputs token by token.  Every hypothesis comes with the
model's log-probability of it (:class:`~translate.translation.hypotheses.Score`,
scored the same way on every backend), from which the engine's confidence is
computed; a request's constraints (a target prefix) are honoured by the
decoder itself, never by editing its output.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Sequence

from translate.translation.hypotheses import DecodingRequest, Hypotheses


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
        requests: Sequence[DecodingRequest],
        *,
        beam: int,
        max_new_tokens: int,
        min_new_tokens: int = 0,
        no_repeat_ngram_size: int = 0,
        count: int = 1,
    ) -> list[Hypotheses]:
        """Translate a batch of requests (source ids ending with </s>), each into ``count`` hypotheses, best first.

        A hypothesis's ids have no decoder start token, end token or padding; a
        target prefix asked for is their beginning.  With ``min_new_tokens ==
        max_new_tokens`` every output has exactly that many tokens (benchmarks);
        otherwise an output that reaches ``max_new_tokens`` ends there with
        ``max_new_tokens - 1`` tokens and a forced end token, as Marian's
        generation config says.  ``count`` > 1 is the decoder's own n-best list
        (a translator's alternatives: LibreTranslate's ``alternatives``), with a
        beam at least ``count`` wide; it may hold fewer where the search found
        fewer.  Each hypothesis is scored by the model: the log-probability of
        its ids and the end token, teacher-forced or the search's own number
        where that is the same (see :mod:`translate.translation.hypotheses`).
        """


def fixed_length(max_new_tokens: int, min_new_tokens: int) -> bool:
    """Whether every output is exactly ``max_new_tokens`` long: the end token is banned at every step.

    The benchmarks' mode.  Such outputs are scored under that ban and without </s>, on both backends alike.
    """
    return 0 < max_new_tokens <= min_new_tokens


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
