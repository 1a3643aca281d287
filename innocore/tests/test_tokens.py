from innocore.match.tokens import fold_with_offsets, terms, tokenize


def test_traditional_text_is_segmented_after_folding_with_offsets_into_the_original():
    text = "香港科學園代表團回訪山東省"
    toks = tokenize(text, concepts=False)
    assert "".join(text[t.start : t.end] for t in toks) == text
    assert [t.term for t in toks][-3:] == ["代表团", "回访", "山东省"]
    assert [text[t.start : t.end] for t in toks][-3:] == ["代表團", "回訪", "山東省"]


def test_traditional_and_simplified_give_the_same_terms():
    assert terms("建築物輻射製冷塗層") == terms("建筑物辐射制冷涂层")


def test_latin_words_are_lower_cased_and_plurals_folded():
    toks = tokenize("Radiative COOLING Coatings for Buildings", concepts=False)
    assert [t.term for t in toks] == ["radiative", "cooling", "coating", "building"]


def test_full_width_latin_maps_back_to_the_original_characters():
    text = "ＡＩ機械人"
    toks = tokenize(text, concepts=False)
    assert toks[0].term == "ai" and text[toks[0].start : toks[0].end] == "ＡＩ"


def test_mixed_text_keeps_both_scripts():
    toks = tokenize("高純金屬 sputtering target 供應", concepts=False)
    words = [t.term for t in toks]
    assert "sputtering" in words and "target" in words and "供应" in words


def test_stop_words_are_dropped():
    assert "的" not in terms("我们的技术") and "the" not in terms("the robot")


def test_offsets_survive_characters_that_nfkc_expands():
    folded, origin = fold_with_offsets("㈱創冷")
    assert folded.endswith("创冷")
    assert origin[-1] == 2 and origin[0] == 0


def test_empty_text_has_no_tokens():
    assert tokenize("") == []


def test_glossary_concepts_meet_across_languages():
    from innocore.match.tokens import CONCEPT_PREFIX

    def concepts(text):
        return {t for t in terms(text) if t.startswith(CONCEPT_PREFIX)}

    assert concepts("radiative cooling film") & concepts("輻射製冷薄膜") & concepts("辐射制冷薄膜")
    assert concepts("power modules") == concepts("power module")


def test_concepts_sharing_a_term_are_merged():
    from innocore.match.glossary import Glossary

    g = Glossary({"a_twin": ["digital twin"], "b_twin": ["digital twin", "数字孪生"]})
    assert g.concept_of["digital twin"] == g.concept_of["数字孪生"]
