"""Translation stage: presets are light; backends import torch or CTranslate2 on first use."""

from translate.translation.presets import DEFAULT_PRESET, PRESETS, ModelPreset, resolve_model

__all__ = ["DEFAULT_PRESET", "PRESETS", "ModelPreset", "resolve_model", "load_translator"]


def load_translator(model: str | None = None, **options: object):  # -> engine.Translator
    """Load a translator (see :class:`translate.translation.engine.Translator` for the options).

    The default backend is ``auto``: CTranslate2 when it loads, else transformers.
    """
    from translate.translation.engine import Translator

    return Translator(model, **options)  # type: ignore[arg-type]
