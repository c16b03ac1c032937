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
from translate.alignment import pair_translations
from translate.alignment.aligner import SentenceAligner
from translate.alignment.pairing import PAIRING_SIGNATURE
from translate.model import Alignment, Document, Origin, Provenance, assemble_document
from translate.qa import Glossary, check_alignment
from translate.segmentation import signature as segmenter_signature

if TYPE_CHECKING:
    from translate.translation.engine import Translation


class Translator(Protocol):
    model_id: str
    revision: str | None

    @property
    def decoding(self) -> str: ...

    def translate_segments(self, sentences: Sequence[str]) -> list[Translation]: ...


def translate_document(
    source: Document, translator: Translator, target_lang: str = "en", glossary: Glossary | None = None
) -> Alignment:
    """Translate every segment, keep the article's paragraph and heading structure, and flag what to review.

    Each bead records where its target came from: ``mt`` (machine translation,
    fresh or reused from the translation memory: the same text either way) or
    ``tm`` (a human translation from the memory).
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
        model_note=getattr(translator, "model_note", None),
        decoding=translator.decoding,
    )
    beads = tuple(
        replace(bead, origin=translations[bead.source[0]].origin, flags=translations[bead.source[0]].flags)
        for bead in pair_translations(source, target, Origin.MT)
    )
    return check_alignment(Alignment(source, target, beads, provenance), glossary)


def align_translation(
    source: Document,
    target: Document,
    presegmented: bool = False,
    mt: Sequence[str | None] | None = None,
    mt_label: str = "",
    aligner: SentenceAligner | None = None,
) -> Alignment:
    """Pair an Arabic document with an existing English translation of it.

    ``mt`` is a machine translation of each source segment (``None`` where
    unknown), e.g. our own earlier draft: it bridges the two languages.
    """
    aligner = aligner or SentenceAligner()
    if presegmented:
        segmenter = "presegmented (one segment per line)"
    else:
        segmenter = f"{segmenter_signature(source.lang)}; {segmenter_signature(target.lang)}"
    signature = aligner.signature
    if mt is not None:
        known = sum(1 for t in mt if t is not None)
        signature += f"; mt-bridge={mt_label or 'given'} ({known} of {len(mt)} segments)"
    provenance = Provenance(tool_version=__version__, segmenter=segmenter, aligner=signature)
    beads = aligner.align([s.text for s in source.segments], [t.text for t in target.segments], mt)
    return Alignment(source, target, tuple(beads), provenance)


def check_translation(source: Document, target: Document, glossary: Glossary | None = None) -> Alignment:
    """QA of an existing line-by-line translation: segment i of the target translates segment i of the source."""
    provenance = Provenance(tool_version=__version__, segmenter="presegmented (one segment per line)", aligner=PAIRING_SIGNATURE)
    return check_alignment(Alignment(source, target, pair_translations(source, target, Origin.HUMAN), provenance), glossary)
