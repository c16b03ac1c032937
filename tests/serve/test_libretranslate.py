"""LibreTranslate's field reading and checks, without a server."""

from __future__ import annotations

import pytest

from translate.serve.config import Limits
from translate.serve.libretranslate import ApiError, check_api_key, combine, is_json, parse_json, parse_query, translate_request


def test_json_detection_is_werkzeugs() -> None:
    assert is_json("application/json; charset=utf-8") and is_json("application/vnd.api+json")
    assert not is_json("application/x-www-form-urlencoded") and not is_json("text/json")


def test_query_and_form_first_value_query_wins() -> None:
    assert parse_query(b"q=a&q=b&source=ar") == {"q": "a", "source": "ar"}
    assert combine({"q": "from-query"}, {"q": "from-form", "target": "en"}) == {"q": "from-query", "target": "en"}
    with pytest.raises(ApiError) as bad:
        parse_query(b"q=%FF")
    assert bad.value.status == 400


@pytest.mark.parametrize("body", [b"{", b"[]", b'"q"', b"\xff", b"[" * 100_000])
def test_json_must_be_an_object(body: bytes) -> None:
    with pytest.raises(ApiError, match="Invalid JSON format"):
        parse_json(body)


def test_form_q_newlines_are_normalised_json_kept() -> None:
    fields = {"q": "a\r\nb", "source": "ar", "target": "en"}
    assert translate_request(fields, False, Limits()).texts == ("a\nb",)
    assert translate_request(fields, True, Limits()).texts == ("a\r\nb",)


def test_limits_name_themselves() -> None:
    limits = Limits(chars=5, texts=2, alternatives=1)
    with pytest.raises(ApiError, match=r"request \(6\) exceeds text limit \(5 characters\)"):
        translate_request({"q": "abcdef", "source": "ar", "target": "en"}, True, limits)
    with pytest.raises(ApiError, match=r"request \(3 texts\) exceeds text limit \(2 texts\)"):
        translate_request({"q": ["a", "b", "c"], "source": "ar", "target": "en"}, True, limits)
    with pytest.raises(ApiError, match="must be <= 1"):
        translate_request({"q": "a", "source": "ar", "target": "en", "alternatives": 2}, True, limits)
    checked = translate_request({"q": ["a", "b"], "source": "AR", "target": "en", "alternatives": "1"}, False, limits)
    assert (checked.batch, checked.source, checked.alternatives, checked.format) == (True, "ar", 1, "text")


def test_api_keys() -> None:
    check_api_key(frozenset(), None)
    keys = frozenset({"k1"})
    check_api_key(keys, "k1")
    for given in (None, "", "k2", 5):
        with pytest.raises(ApiError) as denied:
            check_api_key(keys, given)
        assert denied.value.status == 403


@pytest.mark.parametrize("body", [b'{"q": "\\ud800"}', b'{"q": ["a", "b\\udfff"]}', b'{"source": "\\ud800"}', b'{"x": {"\\ud800": 1}}'])
def test_a_lone_surrogate_anywhere_in_json_is_400(body: bytes) -> None:
    with pytest.raises(ApiError, match="lone surrogate") as bad:
        parse_json(body)
    assert bad.value.status == 400


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), "1e400", [1]])
def test_alternatives_that_are_no_number_are_400(value: object) -> None:
    with pytest.raises(ApiError, match="alternatives parameter is not a number"):
        translate_request({"q": "a", "source": "ar", "target": "en", "alternatives": value}, True, Limits())
