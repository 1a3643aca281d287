import pytest

from innocore.text import derive_variants, detect_script, fold, normalise, to_simplified, to_traditional


@pytest.mark.parametrize(
    "variant",
    ["創冷科技有限公司", "创冷科技有限公司", "  創冷科技有限公司 ", "創冷科技有限公司\u3000"],
)
def test_fold_makes_traditional_and_simplified_meet(variant):
    assert fold(variant) == "创冷科技有限公司"


def test_fold_handles_full_width_latin_and_case():
    assert fold("ＨＫＳＴＰ　Ltd") == "hkstp ltd"


def test_fold_maps_hong_kong_variant_characters():
    # 綫 is the Hong Kong form of 線; both fold to 线.
    assert fold("綫") == fold("線") == "线"


def test_fold_is_length_preserving_for_chinese():
    text = "香港科學園代表團回訪山東省"
    assert len(fold(text)) == len(text)


def test_normalise_collapses_whitespace():
    assert normalise(" a \n\t b ") == "a b"


def test_traditional_name_derives_simplified_and_flags_it():
    v = derive_variants(zh_hant="華魯控股集團有限公司")
    assert (v.zh_hant, v.zh_hans) == ("華魯控股集團有限公司", "华鲁控股集团有限公司")
    assert v.zh_hans_derived and not v.zh_hant_derived


def test_simplified_name_derives_hong_kong_traditional():
    v = derive_variants(zh_hans="青岛市上合示范区")
    assert v.zh_hant == "青島市上合示範區"
    assert v.zh_hant_derived and not v.zh_hans_derived


def test_typed_forms_are_never_overwritten():
    v = derive_variants(zh_hant="香港科學園", zh_hans="香港科学园区", en="Science Park")
    assert (v.zh_hant, v.zh_hans, v.en) == ("香港科學園", "香港科学园区", "Science Park")
    assert not (v.zh_hant_derived or v.zh_hans_derived)


def test_english_only_name_leaves_chinese_empty():
    v = derive_variants(en="i2Cool")
    assert (v.zh_hant, v.zh_hans) == ("", "")


@pytest.mark.parametrize(
    ("text", "script"),
    [("華魯集團", "zh-Hant"), ("华鲁集团", "zh-Hans"), ("i2Cool", "en"), ("山", "zh"), ("", ""), ("123", "")],
)
def test_detect_script(text, script):
    assert detect_script(text) == script


def test_conversions_round_trip_common_names():
    for name in ["濟南市高新區", "齊魯工業大學", "綠色產業與環境安全創新創業共同體"]:
        assert to_traditional(to_simplified(name)) == name


def test_derivation_keeps_full_width_punctuation_as_typed():
    v = derive_variants(zh_hant="創冷科技（香港）有限公司")
    assert v.zh_hans == "创冷科技（香港）有限公司"
