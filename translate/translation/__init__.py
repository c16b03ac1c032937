"""Translation stage: presets are light; backends import torch or CTranslate2 on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from translate.settings import DecodingSettings
from translate.translation.presets import DEFAULT_PRESET, PRESETS, ModelPreset, resolve_model

if TYPE_CHECKING:
    from translate.terminology import Glossary
    from translate.translation.engine import Translator
    from translate.translation.memory import TranslationMemory

__all__ = ["DEFAULT_PRESET", "PRESETS", "DecodingSettings", "ModelPreset", "load_translator", "resolve_model"]


def load_translator(
    model: str | None = None,
    settings: DecodingSettings = DecodingSettings(),
    *,
    memory: TranslationMemory | None = None,
    glossary: Glossary | None = None,
) -> Translator:
    """Load a model for translation: a preset name, a hub id or a local directory (``None``: the default preset).

    The engine module is imported here, not at the top, so that importing the
    package (the CLI's option checking, ``segment``, ``validate``) never pays
    for a model library.
    """
    from translate.translation.engine import Translator

    return Translator(model, settings, memory=memory, glossary=glossary)
