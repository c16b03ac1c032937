"""The stages wired together: what the CLI runs, usable from Python as well.

    from translate import pipeline
    from translate.segmentation import segment_document
    from translate.translation import load_translator

    doc = segment_document(text, "ar", name="article")
    result = pipeline.translate_document(doc, load_translator("fast"))
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Protocol, Sequence

from translate import __version__
from translate.alignment import GaleChurchAligner, align_documents, pair_translations
from translate.alignment.pairing import PAIRING_SIGNATURE
from translate.model import Alignment, Document, Origin, Provenance, assemble_document
from translate.segmentation import signature as segmenter_signature

if TYPE_CHECKING:
    from translate.translation.engine import Translation


class Translator(Protocol):
    model_id: str
    revision: str | None

    @property
    def decoding(self) -> str: ...

    def translate_segments(self, sentences: Sequence[str]) -> list[Translation]: ...


def translate_document(source: Document, translator: Translator, target_lang: str = "en") -> Alignment:
    """Translate every segment and keep the article's paragraph and heading structure.

    Each bead records where its target came from: ``mt``, or ``tm`` for a
    translation-memory match (flag ``tm:human`` when the match is a human
    translation, ``tm:mt`` when it is an earlier machine translation).
    """
    translations = translator.translate_segments([s.text for s in source.segments])
    target = assemble_document(
        target_lang,
        ((p.kind, [translations[s.id].text for s in p.segments]) for p in source.paragraphs),
        name=f"{source.name}.{target_lang}" if source.name else "",
    )
    provenance = Provenance(
        tool_version=__version__,
        segmenter=segmenter_signature(source.lang),
        aligner=PAIRING_SIGNATURE,
        model_id=translator.model_id,
        model_revision=translator.revision,
        decoding=translator.decoding,
    )
    beads = tuple(
        replace(bead, origin=translations[bead.source[0]].origin, flags=translations[bead.source[0]].flags)
        for bead in pair_translations(source, target, Origin.MT)
    )
    return Alignment(source, target, beads, provenance)


def align_translation(source: Document, target: Document, presegmented: bool = False) -> Alignment:
    """Pair an Arabic document with an existing English translation of it."""
    aligner = GaleChurchAligner()
    if presegmented:
        segmenter = "presegmented (one segment per line)"
    else:
        segmenter = f"{segmenter_signature(source.lang)}; {segmenter_signature(target.lang)}"
    provenance = Provenance(tool_version=__version__, segmenter=segmenter, aligner=aligner.signature)
    return Alignment(source, target, align_documents(source, target, aligner), provenance)
