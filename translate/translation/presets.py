"""Named models a user can ask for without remembering hub ids.

Kept free of torch imports so that listing presets or resolving a name is
instant.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ModelPreset:
    name: str
    hub_id: str
    parameters: str
    licence: str
    flores101_bleu: float
    summary: str


PRESETS: dict[str, ModelPreset] = {
    "quality": ModelPreset(
        name="quality",
        hub_id="Helsinki-NLP/opus-mt-tc-big-ar-en",
        parameters="transformer-big (6+6 layers, d_model 1024), about 600 MB download",
        licence="CC-BY-4.0",
        flores101_bleu=42.6,
        summary="best quality; the default",
    ),
    "fast": ModelPreset(
        name="fast",
        hub_id="Helsinki-NLP/opus-mt-ar-en",
        parameters="transformer-base (6+6 layers, d_model 512), 76.8 M parameters, about 300 MB download",
        licence="Apache-2.0",
        flores101_bleu=33.9,
        summary="smaller and faster",
    ),
}

DEFAULT_PRESET = "quality"


def resolve_model(name: str | None) -> str:
    """Map a preset name to its hub id; anything else is a hub id or a directory."""
    if not name:
        name = DEFAULT_PRESET
    preset = PRESETS.get(name)
    return preset.hub_id if preset else name
