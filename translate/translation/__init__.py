"""Translation stage: presets are light; the Marian backend imports torch on first use."""

from translate.translation.presets import DEFAULT_PRESET, PRESETS, ModelPreset, resolve_model

__all__ = ["DEFAULT_PRESET", "PRESETS", "ModelPreset", "resolve_model", "load_translator"]


def load_translator(model: str | None = None, **options: object):  # -> MarianTranslator
    """Load a translator without importing torch at package import time."""
    from translate.translation.marian import MarianTranslator

    return MarianTranslator(model, **options)  # type: ignore[arg-type]
