"""XLIFF 1.2: validated against the OASIS strict schema, read back as a CAT tool reads it."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from translate.export import get_exporter, with_languages, xml_safe
from translate.model import Alignment, Bead, Origin, ParagraphKind, assemble_document
from translate.validation import xliff_schema

NS = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def render(alignment: Alignment) -> str:
    return get_exporter("xliff").render(alignment)


def parse_valid(text: str) -> etree._Element:
    root = etree.fromstring(text.encode("utf-8"))
    schema = xliff_schema("xliff-core-1.2-strict.xsd")
    assert schema.validate(root), schema.error_log.filter_from_errors()
    return root


def units(root: etree._Element) -> list[etree._Element]:
    return root.findall(".//x:trans-unit", NS)


def test_valid_against_oasis_strict_schema(sample: Alignment) -> None:
    parse_valid(render(sample))


def test_schema_check_can_fail(sample: Alignment) -> None:
    broken = render(sample).replace('state="needs-review-translation"', 'state="machine"', 1)
    schema = xliff_schema("xliff-core-1.2-strict.xsd")
    assert not schema.validate(etree.fromstring(broken.encode()))


def test_file_header_and_languages(sample: Alignment) -> None:
    root = parse_valid(render(with_languages(sample, "ar-SA", "en-US")))
    (file,) = root.findall("x:file", NS)
    assert (file.get("source-language"), file.get("target-language")) == ("ar-SA", "en-US")
    assert file.get("datatype") == "plaintext" and file.get("original") == "خبر <1> & co.txt"
    assert file.get("date") == "2024-05-06T07:08:09Z"
    tool = file.find("x:header/x:tool", NS)
    assert (tool.get("tool-id"), tool.get("tool-name")) == ("tarjama", "tarjama") and file.get("tool-id") == "tarjama"
    note = file.findtext("x:header/x:note", namespaces=NS)
    assert "model: Helsinki-NLP/opus-mt-ar-en" in note and "model-revision: 0123abcd" in note
    assert {u.find("x:source", NS).get(XML_LANG) for u in units(root)} == {"ar-SA"}
    assert {t.get(XML_LANG) for t in root.iterfind(".//x:target", NS)} == {"en-US"}


def test_one_unit_per_bead_with_source_in_paragraph_groups(sample: Alignment) -> None:
    root = parse_valid(render(sample))
    groups = root.findall(".//x:body/x:group", NS)
    assert [(g.get("id"), g.get("restype")) for g in groups] == [("p1", "x-heading"), ("p2", "x-body"), ("p3", "x-body")]
    assert [[u.get("id") for u in g.findall("x:trans-unit", NS)] for g in groups] == [["1"], ["2", "4"], ["5", "6"]]
    for unit in units(root):
        bead = sample.beads[int(unit.get("id")) - 1]
        assert unit.findtext("x:source", namespaces=NS) == xml_safe(sample.source_text(bead))[0]
        if bead.target:
            assert unit.findtext("x:target", namespaces=NS) == sample.target_text(bead)
        else:
            assert unit.find("x:target", NS) is None, "a sentence without translation is still to translate"


def test_states_follow_origin(sample: Alignment) -> None:
    root = parse_valid(render(sample))
    states = {u.get("id"): (t.get("state"), t.get("state-qualifier")) for u in units(root) if (t := u.find("x:target", NS)) is not None}
    assert states == {
        "1": ("needs-review-translation", "mt-suggestion"),
        "2": ("needs-review-translation", "mt-suggestion"),
        "4": ("needs-review-translation", "mt-suggestion"),
        "6": ("needs-review-translation", "leveraged-tm"),
    }
    source = assemble_document("ar", [(ParagraphKind.BODY, ["أ."])])
    target = assemble_document("en", [(ParagraphKind.BODY, ["A."])])
    human = Alignment(source, target, (Bead((0,), (0,), origin=Origin.HUMAN),), sample.provenance)
    target_el = parse_valid(render(human)).find(".//x:target", NS)
    assert target_el.get("state") == "translated" and target_el.get("state-qualifier") is None


def test_notes_for_flags_scores_and_unpaired_targets(sample: Alignment) -> None:
    root = parse_valid(render(sample))
    notes = {u.get("id"): [n.text for n in u.findall("x:note", NS)] for u in units(root)}
    assert notes["4"][0] == "flags: numbers: missing 430, split"
    assert notes["4"][1] == "origin: mt; bead: 2-1; score: 0.6100; confidence: 0.07"
    assert notes["6"] == ["origin: tm; bead: 1-1"], "a human match has no confidence"
    # Bead 3 (0-1) has no Arabic: it is shown on the unit before it.
    assert notes["2"][-1] == "#3: target sentence with no source counterpart: An added sentence."
    assert notes["5"][0] == "flags: empty"


def test_confidence_is_the_match_quality_of_the_machine_translation_proposal(sample: Alignment) -> None:
    """XLIFF 1.2's place for the quality of a translation: ``<alt-trans match-quality>``, in percent, on MT units only."""
    root = parse_valid(render(sample))
    proposals = {}
    for unit in units(root):
        found = unit.findall("x:alt-trans", NS)
        assert len(found) <= 1
        if found:
            (alt,) = found
            assert (alt.get("origin"), alt.get("alttranstype"), alt.get("tool-id")) == ("machine-translation", "proposal", "tarjama")
            assert alt.findtext("x:target", namespaces=NS) == unit.findtext("x:target", namespaces=NS), "the proposal is the MT itself"
            proposals[unit.get("id")] = alt.get("match-quality")
    assert proposals == {"1": "83", "2": "40", "4": "7"}, "none on the human match (6) or the unit without target (5)"
    # The proposal follows the unit's own target: a tool that reads the first <target> reads the translation.
    first = units(root)[0]
    assert [etree.QName(child).localname for child in first][:3] == ["source", "target", "alt-trans"]


def test_escaping(sample: Alignment) -> None:
    text = render(sample)
    assert "<script>" not in text and "&lt;script&gt;" in text and "\x01" not in text


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_any_text_gives_valid_xliff(alignments: st.SearchStrategy[Alignment], data: st.DataObject) -> None:
    alignment = data.draw(alignments)
    root = parse_valid(render(alignment))
    with_source = [n for n, b in enumerate(alignment.beads, start=1) if b.source]
    assert [int(u.get("id")) for u in units(root)] == with_source


def test_suffix_and_alias(sample: Alignment, tmp_path: Path) -> None:
    from translate.export import parse_formats

    assert parse_formats("xlf,xliff", ["xliff"]) == ["xliff"]
    assert get_exporter("xlf").write(sample, tmp_path, "article").name == "article.xlf"


NS2 = {"x": "urn:oasis:names:tc:xliff:document:2.0"}


def parse_valid_2(text: str) -> etree._Element:
    root = etree.fromstring(text.encode("utf-8"))
    schema = xliff_schema("xliff-core-2.0.xsd")
    assert schema.validate(root), schema.error_log.filter_from_errors()
    return root


def test_xliff2_same_content_valid_against_oasis_2_0(sample: Alignment) -> None:
    root = parse_valid_2(get_exporter("xliff2").render(with_languages(sample, "ar-SA", "en-US")))
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "ar-SA", "en-US")
    groups = root.findall("x:file/x:group", NS2)
    assert [(g.get("id"), g.get("type")) for g in groups] == [("p1", "tarjama:heading"), ("p2", "tarjama:body"), ("p3", "tarjama:body")]
    assert [[u.get("name") for u in g.findall("x:unit", NS2)] for g in groups] == [["1"], ["2", "4"], ["5", "6"]]
    segments = {u.get("name"): u.find("x:segment", NS2) for u in root.iterfind(".//x:unit", NS2)}
    assert {n: (s.get("state"), s.get("subState")) for n, s in segments.items()} == {
        "1": ("translated", "tarjama:mt"),
        "2": ("translated", "tarjama:mt"),
        "4": ("translated", "tarjama:mt"),
        "5": (None, None),
        "6": ("translated", "tarjama:tm"),
    }
    assert segments["5"].find("x:target", NS2) is None
    for name, segment in segments.items():
        bead = sample.beads[int(name) - 1]
        assert segment.findtext("x:source", namespaces=NS2) == xml_safe(sample.source_text(bead))[0]
    notes = [n.text for n in root.iterfind(".//x:unit[@name='2']/x:notes/x:note", NS2)]
    assert notes == ["origin: mt; bead: 1-1; score: 0.8765; confidence: 0.40", "#3: target sentence with no source counterpart: An added sentence."]


MDA = "urn:oasis:names:tc:xliff:metadata:2.0"


def test_xliff2_confidence_is_unit_metadata(sample: Alignment) -> None:
    """The Metadata module, as its schema shapes it: metadata > metaGroup > meta, first in the unit; MT units only."""
    root = parse_valid_2(get_exporter("xliff2").render(sample))
    found = {}
    for unit in root.iterfind(".//x:unit", NS2):
        children = list(unit)
        metadata = [c for c in children if c.tag == f"{{{MDA}}}metadata"]
        if not metadata:
            continue
        assert children.index(metadata[0]) == 0, "module elements come before <notes> and <segment>"
        (group,) = metadata[0]
        assert (group.tag, group.get("category"), group.get("appliesTo")) == (f"{{{MDA}}}metaGroup", "tarjama", "target")
        (meta,) = group
        assert (meta.tag, meta.get("type")) == (f"{{{MDA}}}meta", "confidence")
        found[unit.get("name")] = meta.text
    assert found == {"1": "0.83", "2": "0.40", "4": "0.07"}, "none on the human match (6) or the unit without target (5)"


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_any_text_gives_valid_xliff2(alignments: st.SearchStrategy[Alignment], data: st.DataObject) -> None:
    alignment = data.draw(alignments)
    root = parse_valid_2(get_exporter("xliff2").render(alignment))
    assert [int(u.get("name")) for u in root.iterfind(".//x:unit", NS2)] == [n for n, b in enumerate(alignment.beads, start=1) if b.source]
