"""Generalisations for releases written by others (issue 15): names without a company suffix, names glued
to the words around them, officials named by office, foreign places, signings in the forms news outlets
use, delegation members told in prose, page furniture, and names known from review. Sentences written for
these tests."""

import hashlib
import json

from benchmarks import ingest_quality
from innocore.ingest.clean import clean
from innocore.ingest.extract import extract
from innocore.ingest.pipeline import analyse


def run(text: str, known: dict | None = None) -> dict:
    """The extraction of a release whose story is ``text`` (under a headline line)."""
    return extract(clean("新聞稿\n\n" + text), known)


def org_names(result: dict) -> set[str]:
    return {o["name"] for o in result["organizations"]}


def place_names(result: dict) -> set[str]:
    return {p["name"] for p in result["places"]}


def people(result: dict) -> dict:
    return {p["name"]: p["title"] for p in result["people"]}


# Organisations: public bodies whole, and nothing glued before them


def test_a_bureau_with_a_conjunction_in_its_name_is_kept_whole():
    result = run("政制及內地事務局今日公布新措施，工商及科技局亦有參與。")
    assert {"政制及內地事務局", "工商及科技局"} <= org_names(result)
    assert not {"內地事務局", "科技局"} & org_names(result)


def test_a_verb_or_pronoun_before_a_government_is_not_part_of_its_name():
    result = run("他感謝浙江省政府多年支持，並指特區政府會繼續跟進。")
    assert "浙江省政府" in org_names(result)
    assert not any(n.startswith(("他", "指")) for n in org_names(result))


def test_bodies_without_a_company_suffix_come_from_the_gazetteer():
    result = run("香港貿發局與國家發展和改革委員會的官員出席。")
    assert {"香港貿發局", "國家發展和改革委員會"} <= org_names(result)


def test_a_chinese_name_glossed_in_english_is_one_organisation():
    result = run("香港生產力促進局與未來城市組織(Future Cities Organization)簽署合作備忘錄。")
    assert "未來城市組織" in org_names(result)
    assert "Future Cities Organization" not in org_names(result)


def test_a_name_cut_at_a_conjunction_goes_on_to_a_place_at_its_start():
    result = run("其後，香港杭州創新及科技協會代表致辭。")
    assert "香港杭州創新及科技協會" in org_names(result)
    assert "科技協會" not in org_names(result)


def test_signing_is_not_a_department_and_generic_bodies_are_not_names():
    result = run("雙方簽署協議，邀請科研機構參與。")
    assert not org_names(result)


# People named by their office


def test_english_officials_named_after_their_office():
    result = run(
        "Chief Executive AB Chan and Vice Mayor of Suzhou Municipality Li Wenhua witnessed the ceremony. "
        "The Financial Secretary, Mr Paul Ho, said the visit went well."
    )
    found = people(result)
    assert found["AB Chan"] == "Chief Executive"
    assert found["Li Wenhua"].startswith("Vice Mayor")
    assert found["Paul Ho"] == "The Financial Secretary" or found["Paul Ho"].endswith("Financial Secretary")


def test_a_title_after_a_name_and_comma_belongs_to_that_name_not_the_next():
    result = run(
        "The MoU was witnessed by Professor Ann Lo, Secretary for Education, and Dr Ken Ma, Chairman of the board."
    )
    found = people(result)
    assert found["Ann Lo"] == "Secretary for Education"
    assert "Ken Ma" not in found or found["Ken Ma"] != "Secretary for Education"


def test_the_chief_executive_and_a_latin_name_after_a_chinese_title():
    result = run("行政長官李家明今日會見訪問團。對方行政總裁Sarah Jones亦有出席。")
    found = people(result)
    assert found["李家明"] == "行政長官"
    assert found["Sarah Jones"] == "行政總裁"


# Places


def test_foreign_countries_and_cities_are_places():
    result = run("代表團先後訪問法國巴黎和英國倫敦，其後轉往葡萄牙里斯本。")
    assert {"法國", "巴黎", "英國", "倫敦", "葡萄牙", "里斯本"} <= place_names(result)


def test_a_time_zone_and_an_initiative_are_not_places():
    result = run("會議於北京時間晚上八時舉行，討論一帶一路合作。")
    assert not {"北京", "一帶一路"} & place_names(result)


# Signings and delegations


def test_a_city_that_signs_is_a_party():
    result = run("杭州市與香港貿發局簽署合作備忘錄。")
    assert [set(a["parties"]) for a in result["agreements"]] == [{"杭州市", "香港貿發局"}]


def test_a_signatory_without_an_organisation_still_makes_a_side():
    result = run("創新科技署署長陳大文今天與蘇州市副市長王小明，簽署合作協議。")
    assert [a["parties"] for a in result["agreements"]] == [["創新科技署"]]


def test_a_lead_paragraph_of_several_sentences_is_not_a_headline():
    result = run("甲乙科技有限公司與丙丁大學日前簽署合作備忘錄。雙方將合作研發。\n\n其他內容。")
    assert [set(a["parties"]) for a in result["agreements"]] == [{"甲乙科技有限公司", "丙丁大學"}]


def test_delegation_members_told_in_a_sentence():
    result = run("訪問團成員包括香港生產力促進局、香港貿易發展局和數碼港的代表。")
    assert result["delegation_members"] == ["香港生產力促進局", "香港貿易發展局", "數碼港"]


# Page furniture


def test_page_furniture_is_left_out_of_the_story():
    page = (
        "首頁 -> 財經 -> 科技\n"
        "廣州科技團抵達香港分享到:\n"
        "圖源:某某通訊社 代表團今日參觀香港科學園。\n"
        "(完) 【編輯:某人】\n"
        "相關新聞 |\n"
        "北京舉行科技展覽\n"
        "版權所有 某某網\n"
    )
    result = analyse(page.encode(), "page.txt")
    assert "首頁" not in result["text"] and "分享到" not in result["text"] and "圖源" not in result["text"]
    assert "北京" not in place_names(result)
    assert "某某通訊社" not in result["text"]


# Names known from review


def test_known_names_are_found_whole_and_rejected_strings_never_proposed():
    text = "青雲智能今日與白鷺創投簽署合作協議。"
    plain = run(text)
    assert "青雲智能" not in org_names(plain)
    known = {
        "organizations": [{"name": "青雲智能", "aliases": [], "kind": "enterprise"}],
        "people": [],
        "places": [],
        "rejected": ["白鷺創投"],
    }
    result = run(text, known)
    assert "青雲智能" in org_names(result)
    assert "白鷺創投" not in org_names(result)


def test_a_rejected_string_is_not_proposed_even_when_the_rules_find_it():
    text = "甲乙科技有限公司今日到訪。"
    assert "甲乙科技有限公司" in org_names(run(text))
    assert "甲乙科技有限公司" not in org_names(run(text, {"rejected": ["甲乙科技有限公司"]}))


def test_analyse_without_known_is_unchanged():
    data = "甲乙科技有限公司與丙丁大學簽署合作備忘錄。".encode()
    assert analyse(data, "a.txt")["organizations"] == analyse(data, "a.txt", known=None)["organizations"]


# The benchmark's real corpus


def test_real_corpus_checks_the_manifest_hash_and_counts_missing(tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "gold").mkdir()
    good, bad = "甲乙科技有限公司今日到訪。".encode(), "內容".encode()
    (tmp_path / "texts" / "rr001.txt").write_bytes(good)
    (tmp_path / "texts" / "rr002.txt").write_bytes(bad)
    gold: dict[str, list] = {k: [] for k in ("organizations", "people", "places", "events", "agreements", "contacts")}
    gold["delegation_members"] = []
    for i in ("rr001", "rr002", "rr003"):
        (tmp_path / "gold" / f"{i}.gold.json").write_text(json.dumps(gold))
    manifest = [
        {"id": "rr001", "split": "dev", "sha256": hashlib.sha256(good).hexdigest()},
        {"id": "rr002", "split": "test", "sha256": "0" * 64},
        {"id": "rr003", "split": "test", "sha256": "0" * 64},
    ]
    (tmp_path / "manifest-a.jsonl").write_text("\n".join(json.dumps(m) for m in manifest))
    present, missing = ingest_quality.real_corpus(tmp_path)
    assert [d[0] for d in present["dev"]] == ["rr001"]
    assert "test" not in present and missing == {"test": 2}


def test_simulated_review_rejects_false_positives_but_not_names_accepted_elsewhere():
    gold_a = {
        "organizations": [{"name": "甲公司", "aliases": ["甲"], "kind": "enterprise"}],
        "people": [],
        "places": [],
    }
    gold_b = {"organizations": [], "people": [], "places": [{"name": "杭州", "kind": "city"}]}
    predicted_b = {
        "organizations": [{"name": "甲公司"}, {"name": "錯誤名稱"}],
        "people": [],
        "places": [{"name": "杭州"}],
    }
    known = ingest_quality.known_from_gold([gold_a, gold_b])
    assert ingest_quality.rejected_from([(predicted_b, gold_b)], known) == ["錯誤名稱"]


def test_departments_named_by_level_alone_and_units_of_known_bodies():
    result = run("省商務廳、市外事辦和教育部國際司的代表，以及香港貿發局浙江代表處主任出席。")
    assert {"省商務廳", "市外事辦", "教育部國際司", "香港貿發局浙江代表處"} <= org_names(result)


def test_a_government_before_a_known_bureau_is_one_name():
    result = run("香港特區政府勞工及福利局今日發布消息。")
    assert "香港特區政府勞工及福利局" in org_names(result)


def test_a_place_inside_a_title_is_not_a_place_mention():
    result = run("蘇州市副市長王小明會見代表團。代表團其後前往杭州。")
    assert "蘇州" not in place_names(result) and "蘇州市" not in place_names(result)
    assert "杭州" in place_names(result)


def test_venues_are_places_by_their_ending():
    result = run("代表團參觀了錢塘江博物館，並入住西湖賓館。")
    assert {"錢塘江博物館", "西湖賓館"} <= place_names(result)


def test_bylines_and_breadcrumbs_are_furniture():
    page = "某某網 > 浙江 > 今日熱點\n本報駐浙江記者:甲乙丙\n代表團今日到訪杭州。\n"
    result = analyse(page.encode(), "page.txt")
    assert "記者" not in result["text"] and "今日熱點" not in result["text"]
    assert "浙江" not in place_names(result)


def test_a_copyright_line_above_the_story_is_a_header_not_its_end():
    page = (
        "Copyright © example portal\n浙江省人民政府 版權所有\n"
        "代表團今日到訪杭州，並參觀西湖賓館。\n版權所有 某某網\n北京\n"
    )
    result = analyse(page.encode(), "page.txt")
    assert "杭州" in place_names(result)
    assert "浙江省人民政府" not in org_names(result)
    assert "北京" not in place_names(result)


def test_an_office_of_a_country_is_not_cut_and_a_country_is_no_name():
    result = run("Witnessed by the Minister of Trade of New Zealand, Mr Tom Reed, the agreement was signed.")
    assert people(result)["Tom Reed"] == "Minister of Trade of New Zealand"
    assert "New Zealand" not in people(result)


def test_a_spelled_out_title_wins_over_an_acronym():
    result = run(
        "Mr Sam Lee, CEO of Example Holdings, spoke. "
        "Later the Chief Executive Officer of Example Holdings, Mr Sam Lee, left."
    )
    assert people(result)["Sam Lee"].startswith("Chief Executive Officer")


def test_a_name_before_ren_or_dui_and_less_common_surnames():
    result = run("全國政協常委查立明任團長。港澳辦主任惠小英對代表團表示歡迎。")
    assert people(result) == {"查立明": "全國政協常委", "惠小英": "主任"} or {"查立明", "惠小英"} <= set(people(result))


def test_english_ministries_municipalities_and_colleges_with_their_city():
    result = run(
        "Invest Hong Kong and the Ministry of Economy of Chile signed an MoU. "
        "Researchers from University College Dublin joined."
    )
    assert {"Ministry of Economy of Chile", "University College Dublin"} <= org_names(result)
    assert [set(a["parties"]) for a in result["agreements"]] == [{"Invest Hong Kong", "Ministry of Economy of Chile"}]


def test_an_office_followed_by_its_heads_title_and_a_campus_in_brackets():
    result = run("省委台港澳辦主任王小明會見香港科技大學（廣州）代表。")
    assert {"省委台港澳辦", "香港科技大學（廣州）"} <= org_names(result)


def test_the_top_official_and_the_guest_in_a_mainland_meeting_report():
    result = run("19日下午，省委副書記、省長劉大同在杭州會見了香港生產力促進局總裁陳小文一行。副省長王建國參加會見。")
    found = people(result)
    assert found["劉大同"] == "省長" and found["陳小文"] == "總裁" and found["王建國"] == "副省長"


def test_a_quoted_slogan_is_not_an_organisation():
    result = run("當地正錨定「穩中求進、開新局」目標推進工作。")
    assert not org_names(result)


def test_a_site_footer_is_left_out():
    page = (
        "代表團今日到訪杭州，並參觀西湖賓館。\n\n某某市委宣傳部主管 某某日報社主辦 地址:某路1號某某傳媒集團 電話:0000\n"
    )
    result = analyse(page.encode(), "page.txt")
    assert "宣傳部" not in result["text"] and not org_names(result)


def test_units_named_alone_in_a_list_of_officials():
    result = run("與會者包括副市長王小明、發改委副主任李大華、商務局局長張三豐。")
    assert {"發改委", "商務局"} <= org_names(result)


def test_a_descriptor_inside_a_run_is_not_part_of_a_name():
    result = run("香港各大商會與兩地初創企業代表出席。")
    assert not any("各大" in n or "兩地" in n for n in org_names(result))


def test_known_places_and_people_are_found_with_what_this_text_says():
    text = "局長陳大文今日視察青雲鎮。張小明亦有同行。"
    known = {
        "places": [{"name": "青雲鎮", "kind": "district"}],
        "people": [
            {"name": "陳大文", "title": "署長", "organization": None},
            {"name": "張小明", "title": "主席", "organization": "某某協會"},
        ],
    }
    result = run(text, known)
    assert "青雲鎮" in place_names(result)
    found = {p["name"]: (p["title"], p["organization"]) for p in result["people"]}
    assert found["陳大文"][0] == "局長"  # the text's title, not the one on record
    assert found["張小明"] == ("", None)  # no title here, and the organisation is not named in this text


def test_a_rejected_place_is_not_proposed_even_from_the_gazetteer():
    text = "代表團今日到訪杭州。"
    assert "杭州" in place_names(run(text))
    assert "杭州" not in place_names(run(text, {"rejected": ["杭州"]}))


def test_delegation_members_in_other_wordings():
    zh = run("考察團由香港生產力促進局、香港貿易發展局及數碼港的代表組成。")
    assert zh["delegation_members"] == ["香港生產力促進局", "香港貿易發展局", "數碼港"]
    en = run(
        "The delegation, comprising representatives of the Hong Kong Productivity Council and Cyberport, arrived today."
    )
    assert en["delegation_members"] == ["Hong Kong Productivity Council", "Cyberport"]
    alliance = run("聯盟成員包括香港生產力促進局及數碼港。")
    assert alliance["delegation_members"] == []


def test_a_title_inside_a_run_and_a_board_are_not_part_of_a_name():
    result = run("南山區區委書記兼前海發展署署長陳大文出席。香港數碼港董事局主席王小明致辭。")
    assert "前海發展署" in org_names(result)
    assert not any("書記" in n or "董事局" in n for n in org_names(result))


def test_a_short_tail_of_a_name_after_a_place_is_that_name():
    result = run("上海臨港集團與香港數碼港簽署合作備忘錄。未來數碼港將與臨港合作。")
    assert "數碼港" not in org_names(result) and "香港數碼港" in org_names(result)


def test_clause_words_are_stripped_one_at_a_time():
    result = run("雙方會面，聽取該局介紹。")
    assert not org_names(result)


def test_a_city_written_with_its_level_keeps_it_and_a_venues_district_is_a_place():
    result = run("代表團到訪江蘇省連雲港市，並參觀鐵西區中國工業博物館。")
    assert {"連雲港市", "鐵西區", "中國工業博物館"} <= place_names(result)
    assert "連雲港" not in place_names(result)


def test_one_body_signing_with_several_on_the_other_side():
    zh = run("香港科技園公司分別與青島市科技局和煙台市商務局簽署合作備忘錄。")
    assert [a["parties"] for a in zh["agreements"]] == [["香港科技園公司", "青島市科技局", "煙台市商務局"]]
    en = run("HKSTP signed MoUs with the Suzhou Science and Technology Bureau and Example Holdings Limited.")
    assert [a["parties"] for a in en["agreements"]] == [
        ["HKSTP", "Suzhou Science and Technology Bureau", "Example Holdings Limited"]
    ]


def test_a_signatory_before_a_conjunction_is_not_glued_to_the_next_body():
    result = run("備忘錄由香港貿易發展局總裁方小文及甲乙集團董事長王大明簽署。")
    assert "甲乙集團" in org_names(result)
    assert not any("方小文" in n for n in org_names(result))


def test_navigation_bars_buttons_and_meta_lines_are_furniture():
    page = (
        "檢索 | 新用戶 | 加入最愛 | 本報PDF版\n"
        "【打印】 【投稿】 【關閉】\n"
        "發布時間:2024-01-23 13:42 信息來源:某某市台港澳辦 字號:[ ]\n"
        "代表團今日到訪杭州，並參觀西湖賓館。\n"
        "責任編輯:某人\n"
        "北京新聞一則\n"
    )
    result = analyse(page.encode(), "page.txt")
    assert "檢索" not in result["text"] and "打印" not in result["text"]
    assert not org_names(result)
    assert "北京" not in place_names(result) and "杭州" in place_names(result)


def test_english_boundaries_for_centres_articles_regions_and_people_before_and():
    result = run(
        "The Centre for Marine Robotics Research opened. The Centre has ten staff. "
        "The Suzhou Special Administrative Area (SSAA) is fictional. "
        "Chief Executive AB Chan and Example Standing Committee members attended."
    )
    names = org_names(result)
    assert "Centre for Marine Robotics Research" in names
    assert "The Centre" not in names
    assert not any("Administrative Area" in n for n in names)
    assert not any(n.startswith(("AB Chan", "Chan and")) for n in names)


def test_a_leaders_name_before_the_top_office():
    result = run("當地正貫徹落實習近平總書記重要講話精神。會上，李家超行政長官致辭。董事局主席由甲乙公司委任。")
    found = people(result)
    assert found["習近平"] == "總書記" and found["李家超"] == "行政長官"
    assert "董事局" not in found


def test_renewing_an_agreement_is_a_signing():
    zh = run("甲乙科技有限公司與丙丁大學續簽合作備忘錄。")
    en = run("Cyberport and the Suzhou Science and Technology Bureau renewed their MoU today.")
    assert [set(a["parties"]) for a in zh["agreements"]] == [{"甲乙科技有限公司", "丙丁大學"}]
    assert [set(a["parties"]) for a in en["agreements"]] == [{"Cyberport", "Suzhou Science and Technology Bureau"}]


def test_a_web_pages_date_line_dates_the_story_and_talks_are_meetings():
    page = "某某新聞標題\n\n2024-03-27 08:33:32 來源: 某某網 作者: 某人\n\n25日，甲乙科技有限公司與杭州市代表座談。\n"
    result = analyse(page.encode(), "page.txt")
    assert result["published"] == "2024-03-27"
    assert ("meeting", "2024-03-25") in {(e["kind"], e["date"]) for e in result["events"]}
    assert "某某網" not in result["text"]


def test_a_known_organisation_named_like_a_place_stays_a_place_elsewhere():
    known = {"organizations": [{"name": "杭州市", "aliases": [], "kind": "government"}]}
    result = run("代表團今日到訪杭州市。", known)
    assert "杭州市" in place_names(result) and "杭州市" not in org_names(result)


def test_a_place_first_written_in_capitals_is_named_by_its_next_mention():
    result = run("SUZHOU - Example Newswire - 3 March 2025 - Companies from Suzhou met investors.")
    assert "Suzhou" in place_names(result)


def test_an_agency_dateline_does_not_date_an_event_the_sentence_dates_itself():
    from innocore.ingest.events import resolve_date

    sentence = "本报讯10月20日讯 19日下午，省长在济南会见了客人一行。"
    assert resolve_date(sentence, "2023-10-20", None) == "2023-10-19"
    # With no other date in the sentence the dateline still dates it.
    assert resolve_date("新华社济南10月19日电 省长会见了客人。", "2023-10-20", None) == "2023-10-19"


def test_large_enterprises_without_a_suffix_and_an_english_name_with_its_corporate_tail():
    result = run("會上，山東港口集團與滙豐銀行簽署合作協議。")
    assert {"山東港口集團", "滙豐銀行"} <= org_names(result)
    english = extract(clean("News\n\nCyberport and China Unicom Global signed a MoU in Hong Kong today."))
    assert "China Unicom Global" in org_names(english)
    assert "China Unicom" not in org_names(english)


def test_the_macro_f1_leaves_out_a_field_with_nothing_to_find():
    scores = {f: {"f1": 0.5, "gold": 10} for f in ingest_quality.MACRO_FIELDS}
    scores["delegation_members"] = {"f1": 1.0, "gold": 0}
    assert ingest_quality.macro_f1(scores) == 0.5
    scores["delegation_members"] = {"f1": 1.0, "gold": 3}
    assert ingest_quality.macro_f1(scores) == 0.6


def test_a_day_and_with_end_a_clause_not_a_name():
    result = run("數碼港今天與深圳市前海管理局簽署合作備忘錄。")
    assert "深圳市前海管理局" in org_names(result)
    assert not any("今天" in n for n in org_names(result))
    assert {p for a in result["agreements"] for p in a["parties"]} >= {"深圳市前海管理局"}


def test_names_of_one_known_body_are_one_organisation_under_its_fullest_form():
    result = run("工業和信息化部部長出席活動。會上，工信部與香港生產力促進局簽署合作協議，生產力局將提供支援。")
    orgs = {o["name"]: o["aliases"] for o in result["organizations"]}
    assert "工信部" not in orgs and "生產力局" not in orgs
    assert "工信部" in orgs["工業和信息化部"] and "生產力局" in orgs["香港生產力促進局"]
    [agreement] = result["agreements"]
    assert sorted(agreement["parties"]) == sorted(["工業和信息化部", "香港生產力促進局"])


def test_several_short_forms_in_one_bracket_and_a_title_before_a_surname_is_no_unit():
    result = run("香港應用科技研究院有限公司（應科院／ASTRI）今日公布，應科院首席營運總監司徒聖豪出席。")
    orgs = {o["name"]: o["aliases"] for o in result["organizations"]}
    assert set(orgs["香港應用科技研究院有限公司"]) >= {"應科院", "ASTRI"}
    assert not {"ASTRI", "應科院", "應科院首席營運總監司"} & set(orgs)


def test_a_married_name_of_four_and_a_date_after_a_name():
    result = run(
        "行政長官林鄭月娥今日出席典禮。工業和信息化部部長金壯龍19日在北京會見代表團。首席營運官陳卓謙總結時表示歡迎。"
    )
    found = people(result)
    assert found.get("林鄭月娥") == "行政長官"
    assert "金壯龍" in found
    assert "陳卓謙總" not in found
