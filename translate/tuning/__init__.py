"""``tarjama tune``: adapt a MarianMT model to a team's own human translations.

:mod:`translate.tuning.data` gathers the pairs (the memory's human units, TMX,
XLIFF and TSV files), deduplicates them and holds out a validation split;
:mod:`translate.tuning.train` fine-tunes with transformers in torch, keeps a
resumable checkpoint, and publishes a model directory only when it is better
than the base on that split; :mod:`translate.tuning.distributed` runs that
loop data-parallel on a Ray cluster (``--ray``, Ray Train).  The recipe and
its literature: docs/tune.md.
"""

from translate.tuning.data import MIN_UNITS, TuneData, collect
from translate.tuning.train import TuneResult, TuneSettings, tune

__all__ = ["MIN_UNITS", "TuneData", "TuneResult", "TuneSettings", "collect", "tune"]
