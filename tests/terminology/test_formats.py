"""Termbases from TBX (2 and 3), CSV and TSV: the same terms whatever the format; a damaged file refused whole."""

import pytest

from translate.errors import TarjamaError
from translate.terminology import load_glossary, parse_csv, parse_glossary

TSV = "# team terms\nالأمم المتحدة\tUnited Nations\nلقاح\tvaccine\nكوفيد-19\tCOVID-19\tdnt\n"
CSV_HEADER = "en,ar,note\nUnited Nations,الأمم المتحدة,\nvaccine,لقاح,\n"
TBX2 = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en-US"><martifHeader><fileDesc><sourceDesc><p>memoQ</p></sourceDesc></fileDesc></martifHeader>
<text><body>
<termEntry id="c1">
  <langSet xml:lang="ar"><tig><term>الأمم المتحدة</term></tig><tig><term>هيئة الأمم</term></tig></langSet>
  <langSet xml:lang="en-US">
    <tig><term>UN Organisation</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
    <tig><term>United Nations</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
  </langSet>
</termEntry>
<termEntry id="c2"><langSet xml:lang="fr"><tig><term>vaccin</term></tig></langSet></termEntry>
<termEntry id="c3"><langSet xml:lang="AR"><ntig><termGrp><term>لقاح</term></termGrp></ntig></langSet>
  <langSet xml:lang="en"><ntig><termGrp><term>vaccine</term></termGrp></ntig></langSet></termEntry>
<termEntry id="c4"><descrip type="note">do not translate</descrip>
  <langSet xml:lang="ar"><tig><term>COVID-19</term></tig></langSet></termEntry>
</body></text></martif>
"""
TBX3 = """<?xml version="1.0"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
<tbxHeader><fileDesc><sourceDesc><p>Phrase</p></sourceDesc></fileDesc></tbxHeader>
<text><body>
<conceptEntry id="1"><langSec xml:lang="ar"><termSec><term>الأمم المتحدة</term></termSec></langSec>
  <langSec xml:lang="en"><termSec><term>United Nations</term></termSec></langSec></conceptEntry>
</body></text></tbx>
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_tsv_csv_and_tbx_give_the_same_terms_and_hash(tmp_path):
    tsv = load_glossary(write(tmp_path, "t.tsv", "الأمم المتحدة\tUnited Nations\nلقاح\tvaccine\n"))
    csv = load_glossary(write(tmp_path, "t.csv", CSV_HEADER))
    headerless = load_glossary(write(tmp_path, "h.csv", "لقاح,vaccine\nالأمم المتحدة,United Nations\n"))
    assert [(t.arabic, t.english) for t in csv.terms] == [(t.arabic, t.english) for t in tsv.terms]
    assert tsv.digest == csv.digest == headerless.digest  # order and format do not change the hash
    assert csv.signature.startswith("termbase=t.csv sha256:") and csv.signature.endswith("terms=2")


def test_tbx_basic_2_reads_synonyms_preferred_terms_and_do_not_translate(tmp_path):
    glossary = load_glossary(write(tmp_path, "team.tbx", TBX2))
    assert [(t.arabic, t.english, t.do_not_translate) for t in glossary.terms] == [
        ("الأمم المتحدة", "United Nations", False),  # the deprecated English term is never enforced
        ("هيئة الأمم", "United Nations", False),
        ("لقاح", "vaccine", False),  # ar written AR, ntig/termGrp; the French-only entry skipped
        ("COVID-19", "COVID-19", True),  # do-not-translate: kept as written
    ]


def test_tbx_3_in_its_namespace(tmp_path):
    glossary = load_glossary(write(tmp_path, "team.xml", TBX3))
    assert [(t.arabic, t.english) for t in glossary.terms] == [("الأمم المتحدة", "United Nations")]


def test_dnt_column_in_tsv():
    terms = parse_glossary(TSV, "t.tsv").terms
    assert terms[2].do_not_translate and terms[2].required().search("the COVID-19 wave")
    assert not terms[2].required().search("the covid-19 wave")


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.tbx", TBX2.replace("</martif>", ""), r"bad.tbx.*line"),  # cut short
        ("bad.tbx", '<?xml version="1.0"?><!DOCTYPE martif [<!ENTITY x SYSTEM "file:///etc/passwd">]><martif><text><body>'
         '<termEntry><langSet xml:lang="ar"><tig><term>&x;</term></tig></langSet></termEntry></body></text></martif>', "bad.tbx"),
        ("bad.tbx", "<tmx version='1.4'><body/></tmx>", "not a TBX file"),
        ("bad.tbx", TBX2.replace("<term>لقاح</term>", "<term> </term>"), "entry 3.*empty <term>"),
        ("bad.csv", "ar,en\nلقاح,vaccine\nالأمم المتحدة,\n", r"bad.csv:3: expected an Arabic and an English term"),
        ("bad.csv", 'ar,en\n"لقاح,vaccine\n', "bad.csv"),
        ("bad.tsv", "لقاح\tvaccine\tmaybe\n", "bad.tsv:1: unknown third column"),
        ("bad.tsv", "# nothing\n", "no terms"),
    ],
)
def test_a_damaged_termbase_is_refused_with_one_line(tmp_path, name, text, message):
    with pytest.raises(TarjamaError, match=message) as caught:
        load_glossary(write(tmp_path, name, text))
    assert "\n" not in str(caught.value)


def test_csv_without_a_header_may_carry_a_dnt_column():
    terms = parse_csv("COVID-19,COVID-19,dnt\nلقاح,vaccine\n", "t.csv").terms
    assert [t.do_not_translate for t in terms] == [True, False]
