"""The stages wired together: what the CLI runs, usable from Python as well.

    from translate import pipeline
    from translate.segmentation import segment_document
    from translate.translation import load_translator

    doc = segment_document(text, "ar", name="article")
    result = pipeline.translate_document(doc, load_translator("fast"))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from translate import __version__
from translate.alignment.pairing import PAIRING_SIGNATURE, pair_translations
from translate.model import Alignment, Document, Origin, Provenance, assemble_document
from translate.qa import Glossary, check_alignment
from translate.segmentation import signature as segmenter_signature
from translate.settings import QaSettings

if TYPE_CHECKING:
    from translate.alignment.aligner import SentenceAligner
    from translate.translation.engine import Progress, Translation


class ModelDescription(Protocol):
    """What an output's provenance says of the model: a loaded translator, or what a cluster worker reports of its own."""

    @property
    def model_id(self) -> str: ...

    @property
    def revision(self) -> str | None: ...

    @property
    def model_note(self) -> str | None: ...

    @property
    def decoding(self) -> str: ...


class Translator(ModelDescription, Protocol):
    """What the pipeline needs of a translator: the engine, or anything that keeps its guarantees."""

    def translate_segments(self, sentences: Sequence[str], progress: Progress | None = None) -> list[Translation]: ...


def translate_document(
    source: Document,
    translator: Translator,
    target_lang: str = "en",
    glossary: Glossary | None = None,
    progress: Progress | None = None,
    qa: QaSettings = QaSettings(),
) -> Alignment:
    """Translate every segment, keep the article's paragraph and heading structure, and flag what to review."""
    translations = translator.translate_segments([s.text for s in source.segments], progress)
    return translated_document(source, translations, translation_provenance(source, translator), target_lang, glossary, qa)


def translation_provenance(source: Document, translator: ModelDescription) -> Provenance:
    """How a translation of ``source`` is made: recorded in every output."""
    return Provenance(
        tool_version=__version__,
        segmenter=segmenter_signature(source.lang),
        aligner=PAIRING_SIGNATURE,
        model_id=translator.model_id,
        model_revision=translator.revision,
        model_note=translator.model_note,
        decoding=translator.decoding,
    )


def translated_document(
    source: Document,
    translations: Sequence[Translation],
    provenance: Provenance,
    target_lang: str = "en",
    glossary: Glossary | None = None,
    qa: QaSettings = QaSettings(),
) -> Alignment:
    """The alignment of ``source`` with its segments' translations (one per segment, in order).

    Apart from :func:`translate_document` so that translations made elsewhere
    (cluster workers, the server's shared batches) become exactly the files a
    local run writes.  Each bead records where its target came from: ``mt``
    (fresh or reused from the memory: the same text either way) or ``tm`` (a
    human translation from the memory).
    """
    target = assemble_document(
        target_lang,
        ((p.kind, [translations[s.id].text for s in p.segments]) for p in source.paragraphs),
        name=f"{source.name}.{target_lang}" if source.name else "",
    )
    beads = tuple(
        replace(
            bead,
            origin=translations[bead.source[0]].origin,
            flags=translations[bead.source[0]].flags,
            confidence=translations[bead.source[0]].confidence,
        )
        for bead in pair_translations(source, target, Origin.MT)
    )
    return check_alignment(Alignment(source, target, beads, provenance), glossary, qa)


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
    if aligner is None:
        from translate.alignment.aligner import SentenceAligner

        aligner = SentenceAligner()
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


def read_line_pairs(source_path: str, target_path: str, *, language_check: bool = True) -> tuple[Document, Document]:
    """A line-by-line translation as two documents of one segment per line (empty lines too, so bead n is line n).

    Refused before any work: stdin given twice, a web page or Word document
    (they have no lines), a side in the wrong script, files of different lengths.
    """
    from translate.errors import TarjamaError
    from translate.inputs import read_lines
    from translate.model import ParagraphKind
    from translate.script import check_script
    from translate.textio import STDIN, output_stem

    if source_path == STDIN and target_path == STDIN:
        raise TarjamaError("stdin (-) can be read only once")
    source_lines = read_lines(source_path, "check")
    target_lines = read_lines(target_path, "check")
    if language_check:
        check_script("\n".join(source_lines), "ar", source_path, "the Arabic source")
        check_script("\n".join(target_lines), "en", target_path, "the English translation")
    if len(source_lines) != len(target_lines):
        raise TarjamaError(f"{source_path} has {len(source_lines)} lines but {target_path} has {len(target_lines)}; they must be line-aligned")
    return (
        assemble_document("ar", [(ParagraphKind.BODY, [line.strip()]) for line in source_lines], output_stem(source_path)),
        assemble_document("en", [(ParagraphKind.BODY, [line.strip()]) for line in target_lines], output_stem(target_path)),
    )
