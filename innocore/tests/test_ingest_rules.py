"""The extraction rules, one family at a time, on small sentences in Traditional Chinese, Simplified Chinese
and English: what is found, and what is not invented."""

import io

import pytest

from innocore.ingest.clean import clean
from innocore.ingest.events import resolve_date
from innocore.ingest.extract import extract
from innocore.ingest.readers import read_document


def run(text: str) -> dict:
    return extract(clean(text))


def orgs(result: dict) -> dict:
    return {o["name"]: o for o in result["organizations"]}


def people(result: dict) -> dict:
    return {p["name"]: (p["title"], p["organization"]) for p in result["people"]}


def places(result: dict) -> dict:
    return {p["name"]: p["kind"] for p in result["places"]}


def parties(result: dict) -> list[set]:
    return [set(a["parties"]) for a in result["agreements"]]


# Organisations: Chinese suffixes and where a name starts


@pytest.mark.parametrize(
    ("text", "expected", "not_expected"),
    [
        (
            "（濟南，2025年1月8日）— 濰坊市人民政府副市長李強接見香港生產力促進局代表團，"
            "並回訪萬華化學集團股份有限公司。",
            {"濰坊市人民政府", "香港生產力促進局", "萬華化學集團股份有限公司"},
            {"接見香港生產力促進局", "回訪萬華化學集團股份有限公司"},
        ),
        (
            "（济南，2025年1月8日）— 山东省工业和信息化厅与三间园区公司及园区企业晶策微电子有限公司座谈。",
            {"山东省工业和信息化厅", "晶策微电子有限公司"},
            {"信息化厅", "三间园区公司", "园区企业晶策微电子有限公司"},
        ),
    ],
)
def test_chinese_names_start_after_verbs_and_descriptors(text, expected, not_expected):
    names = set(orgs(run(text)))
    assert expected <= names
    assert not names & not_expected


def test_a_title_after_a_name_is_not_part_of_it():
    names = set(orgs(run("（济南，2025年1月8日）— 青岛市科学技术局副局长姜明辉及某研究院院长邵建国出席。")))
    assert "青岛市科学技术局" in names
    assert not {n for n in names if n.endswith(("副局", "院院"))}


def test_a_development_zone_is_a_place_but_its_committee_is_an_organisation():
    result = run("（煙台，2025年1月8日）— 代表團參觀了煙台經濟技術開發區，並與煙台經濟技術開發區管理委員會座談。")
    assert "煙台經濟技術開發區管理委員會" in orgs(result)
    assert orgs(result)["煙台經濟技術開發區管理委員會"]["kind"] == "industrial_zone"
    assert "煙台經濟技術開發區" not in orgs(result)
    assert places(result)["煙台經濟技術開發區"] == "zone"


@pytest.mark.parametrize(
    ("text", "expected", "not_expected"),
    [
        (
            "HONG KONG, 3 March 2025 – Mr Peter Yan, Chief Executive Officer of Hong Kong Cyberport Management "
            "Company Limited, met the Qingdao Municipal Bureau of Commerce and Qingdao Haier Smart Home Co., Ltd.",
            {
                "Hong Kong Cyberport Management Company Limited",
                "Qingdao Municipal Bureau of Commerce",
                "Qingdao Haier Smart Home Co., Ltd.",
            },
            {"Chief Executive Officer of Hong Kong Cyberport Management Company Limited"},
        ),
        (
            "JINAN, 3 March 2025 – HKSTP and Ocean University of China met the Shandong Provincial Department of "
            "Industry and Information Technology and Shandong University of Technology. About Us.",
            {
                "Ocean University of China",
                "Shandong Provincial Department of Industry and Information Technology",
                "Shandong University of Technology",
            },
            {"HKSTP and Ocean University of China"},
        ),
    ],
)
def test_english_names_end_with_a_head_word_and_leave_out_titles_and_neighbours(text, expected, not_expected):
    names = set(orgs(run(text)))
    assert expected <= names
    assert not names & not_expected


def test_hong_kong_universities_keep_their_article_and_sites_are_not_organisations():
    result = run(
        "HONG KONG, 3 March 2025 – The delegation visited the Advanced Manufacturing Centre and "
        "The Hong Kong University of Science and Technology. The MoU was discussed."
    )
    assert "The Hong Kong University of Science and Technology" in orgs(result)
    assert "Advanced Manufacturing Centre" not in orgs(result)
    assert places(result)["The Hong Kong University of Science and Technology"] == "site"


# Short forms declared in brackets


@pytest.mark.parametrize(
    ("text", "full", "alias"),
    [
        (
            "（香港，2025年1月8日）— 香港生產力促進局（生產力局）今日到訪。生產力局表示歡迎。",
            "香港生產力促進局",
            "生產力局",
        ),
        ("（济南，2025年1月8日）— 香港理工大学（理大）今日到访。理大表示欢迎。", "香港理工大学", "理大"),
        (
            "HONG KONG, 3 March 2025 – The delegation called on Invest Hong Kong (InvestHK).",
            "Invest Hong Kong",
            "InvestHK",
        ),
    ],
)
def test_a_short_form_in_brackets_is_an_alias_not_an_organisation(text, full, alias):
    result = orgs(run(text))
    assert result[full]["aliases"] == [alias]
    assert alias not in result


def test_position_and_agreement_brackets_are_not_aliases():
    result = run(
        "（济南，2025年1月8日）— 对接会现场签约项目如下：\n\n"
        "1. 晶策微电子有限公司 — 济南光谷芯材科技有限公司（技术合作协议）\n\n"
        "图一：济南光谷芯材科技有限公司总经理王强（左）致辞。"
    )
    assert orgs(result)["济南光谷芯材科技有限公司"]["aliases"] == []


def test_undeclared_variants_are_listed_once_under_the_fullest_name():
    result = run(
        "（香港，2025年1月8日）— 代表團拜會山東省人民政府及香港特別行政區政府創新科技及工業局。"
        "山東省政府代表團其後與創新科技及工業局副秘書長羅嘉敏會面。"
    )
    names = set(orgs(result))
    assert {"山東省人民政府", "香港特別行政區政府創新科技及工業局"} <= names
    assert not names & {"山東省政府", "創新科技及工業局"}
    assert people(result)["羅嘉敏"] == ("副秘書長", "香港特別行政區政府創新科技及工業局")


def test_a_reordered_english_name_of_a_public_body_is_the_same_body():
    result = run(
        "HONG KONG, 3 March 2025 – A delegation from the Department of Commerce of Shandong Province visited. "
        "The Shandong Department of Commerce thanked HKSTP."
    )
    assert "Shandong Department of Commerce" not in orgs(result)
    assert "Department of Commerce of Shandong Province" in orgs(result)


# Parents


@pytest.mark.parametrize(
    ("text", "child", "parent"),
    [
        (
            "（香港，2025年1月8日）— 萬華化學集團股份有限公司是煙台國豐投資控股集團有限公司的全資附屬公司。",
            "萬華化學集團股份有限公司",
            "煙台國豐投資控股集團有限公司",
        ),
        ("（济南，2025年1月8日）— 浪潮软件有限公司隶属于浪潮集团有限公司。", "浪潮软件有限公司", "浪潮集团有限公司"),
        ("（濟南，2025年1月8日）— 華魯控股集團有限公司旗下山東省環科院出席。", "山東省環科院", "華魯控股集團有限公司"),
        (
            "JINAN, 3 March 2025 – Shandong Hualing Pharmaceutical Co., Ltd., a subsidiary of Shandong Huaqing "
            "Health Holdings Group Co., Ltd., joined.",
            "Shandong Hualing Pharmaceutical Co., Ltd.",
            "Shandong Huaqing Health Holdings Group Co., Ltd.",
        ),
    ],
)
def test_a_stated_parent_is_recorded_and_is_an_organisation_too(text, child, parent):
    result = orgs(run(text))
    assert result[child]["parent"] == parent
    assert result[parent]["parent"] is None


def test_being_led_or_built_by_a_body_does_not_make_a_parent():
    result = orgs(run("（濟南，2025年1月8日）— 山東省環科院牽頭建設的「綠色產業與環境安全創新創業共同體」成立。"))
    assert result["綠色產業與環境安全創新創業共同體"]["parent"] is None


# People with titles


@pytest.mark.parametrize(
    ("text", "name", "title", "org"),
    [
        (
            "（香港，2025年1月8日）— 科技園公司行政總裁黃克強博士表示歡迎。香港科技園公司（科技園公司）成立於2001年。",
            "黃克強",
            "行政總裁",
            "香港科技園公司",
        ),
        (
            "（济南，2025年1月8日）— 王志刚，济南市人民政府副市长，在致辞中表示欢迎。",
            "王志刚",
            "副市长",
            "济南市人民政府",
        ),
        (
            "（濟南，2025年1月8日）— 代表團拜會山東省人民政府及山東省省長周乃翔。",
            "周乃翔",
            "山東省省長",
            "山東省人民政府",
        ),
        (
            "HONG KONG, 3 March 2025 – Ms Cindy Kwok, Founder and Chief Executive Officer of Kangli Medical "
            "Devices Limited, spoke.",
            "Cindy Kwok",
            "Founder and Chief Executive Officer",
            "Kangli Medical Devices Limited",
        ),
        (
            "HONG KONG, 3 March 2025 – Hong Kong Science and Technology Parks Corporation (HKSTP) welcomed them. "
            "HKSTP Chief Operating Officer Chan Cheuk-him said so.",
            "Chan Cheuk-him",
            "Chief Operating Officer",
            "Hong Kong Science and Technology Parks Corporation",
        ),
    ],
)
def test_people_get_their_title_and_organisation_in_either_order(text, name, title, org):
    assert people(run(text))[name] == (title, org)


def test_later_titles_in_a_list_share_the_organisation():
    result = people(
        run("（香港，2025年1月8日）— 代表團由科技園公司行政總裁黃克強、業務發展總監黃家裕率領。科技園公司在沙田。")
    )
    assert result["黃家裕"][0] == "業務發展總監"


def test_no_person_is_invented_from_a_verb_after_a_title():
    result = run("（济南，2025年1月8日）— 济南市人民政府副市长周立新见证签署。科技园公司行政总裁表示欢迎。")
    assert set(people(result)) == {"周立新"}


def test_media_contacts_are_people_without_a_title():
    result = run(
        "（香港，2025年1月8日）— 活動今日舉行。\n\n傳媒查詢：\n\n香港生產力促進局\n\n陳美玲\n\n"
        "電話：+852 2788 5678\n\n電郵：mei@hkpc.example"
    )
    assert people(result)["陳美玲"] == ("", "香港生產力促進局")
    assert result["contacts"][0]["phone"] == "+852 2788 5678"


# Places


def test_places_are_named_by_their_first_mention_and_not_taken_from_organisation_names():
    result = places(run("（香港，2025年1月8日）— 濟南市人民政府代表團訪問山東，參觀了香港科學園。山東省企業亦有出席。"))
    assert result == {"香港": "city", "山東": "province", "香港科學園": "site"}


def test_an_english_dateline_in_capitals_and_a_chinese_gloss_are_one_place():
    result = places(run("QINGDAO, 18 June 2024 – A delegation from Zibo (淄博) visited Qingdao and Huangdao District."))
    assert result == {"Qingdao": "city", "Zibo": "city", "Huangdao District": "district"}


def test_generic_regions_and_counted_parks_are_not_places():
    result = places(run("（香港，2025年1月8日）— 科技園公司管理大埔、將軍澳和元朗三個創新園，服務內地及海外企業。"))
    assert {"大埔", "將軍澳", "元朗"} <= set(result)
    assert not set(result) & {"內地", "海外", "元朗三個創新園", "三個創新園"}


def test_zones_sites_and_visited_universities_are_places():
    result = places(
        run(
            "（济南，2025年1月8日）— 代表团参观了中国（山东）自由贸易试验区济南片区、齐鲁软件园及山东大学，"
            "并在山东国际会展中心出席活动。"
        )
    )
    assert result["中国（山东）自由贸易试验区济南片区"] == "zone"
    assert result["齐鲁软件园"] == "site"
    assert result["山东大学"] == "site"
    assert result["山东国际会展中心"] == "site"
    assert "中国" not in result


def test_a_university_that_only_signs_is_not_a_place():
    result = run("（济南，2025年1月8日）— 科技园公司与山东大学签署合作协议。香港科技园公司（科技园公司）在沙田。")
    assert "山东大学" not in places(result)


def test_a_zone_short_name_standing_for_its_committee_is_not_a_place():
    result = run(
        "（济南，2025年1月8日）— 科技园公司与济南高新技术产业开发区管理委员会（济南高新区管委会）签署备忘录。"
        "济南高新区对此表示欢迎。"
    )
    assert "济南高新区" not in places(result)
    assert "济南高新区" not in orgs(result)


# Signing parties


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "（香港，2025年1月8日）— 澤浩高純金屬有限公司、創冷科技有限公司及信山實業有限公司亦與華魯集團旗下"
            "山東省環科院牽頭建設的「綠色產業與環境安全創新創業共同體」簽署合作協議。",
            {"澤浩高純金屬有限公司", "創冷科技有限公司", "信山實業有限公司", "綠色產業與環境安全創新創業共同體"},
        ),
        (
            "（济南，2025年1月8日）— 山东省科学院和香港理工大学今日签订联合研发协议。",
            {"山东省科学院", "香港理工大学"},
        ),
        (
            "HONG KONG, 3 March 2025 – An agreement was signed between Qingdao Haier Smart Home Co., Ltd. and "
            "Hong Kong Productivity Council on smart manufacturing.",
            {"Qingdao Haier Smart Home Co., Ltd.", "Hong Kong Productivity Council"},
        ),
        (
            "HONG KONG, 3 March 2025 – Hong Kong Science and Technology Parks Corporation (HKSTP) and Ocean "
            "University of China signed a Memorandum of Understanding.",
            {"Hong Kong Science and Technology Parks Corporation", "Ocean University of China"},
        ),
    ],
)
def test_signing_parties_on_both_sides_of_the_conjunction(text, expected):
    assert parties(run(text)) == [expected]


def test_signatories_stand_for_their_organisations_and_witnesses_do_not_sign():
    result = run(
        "（煙台，2025年1月8日）— 香港生產力促進局（生產力局）與煙台市人民政府合作。備忘錄由生產力局總裁李明輝與"
        "煙台市人民政府副市長張大偉代表雙方簽署，山東省商務廳廳長陳志強見證。"
    )
    [agreement] = result["agreements"]
    assert set(agreement["parties"]) == {"香港生產力促進局", "煙台市人民政府"}
    assert agreement["witnesses"] == ["陳志強"] and agreement["kind"] == "mou"


def test_we_in_a_quote_is_the_speakers_organisation():
    result = run(
        "（香港，2025年1月8日）— 香港科技園公司（科技園公司）行政總裁麥家豪表示：「上月我們與山東省科學技術廳"
        "簽署合作備忘錄。」"
    )
    assert parties(result) == [{"香港科技園公司", "山東省科學技術廳"}]
    assert result["agreements"][0]["date"] == "2024-12"


def test_listed_signing_pairs_each_make_an_agreement():
    result = run(
        "（香港，2024年9月26日）— 即場簽署協議的機構如下：\n\n"
        "• 晶策微電子有限公司 | 煙台芯諾半導體材料有限公司 | 技術合作協議\n\n"
        "• 康立醫療器材有限公司 | 威海海澤生物科技有限公司 | 技術許可協議\n\n"
        "其他內容。"
    )
    assert [(a["kind"], set(a["parties"])) for a in result["agreements"]] == [
        ("cooperation", {"晶策微電子有限公司", "煙台芯諾半導體材料有限公司"}),
        ("licence", {"康立醫療器材有限公司", "威海海澤生物科技有限公司"}),
    ]


def test_planned_signings_are_not_agreements():
    result = run(
        "HONG KONG, 3 March 2025 – Hong Kong Science and Technology Parks Corporation (HKSTP) and Ocean University "
        "of China will sign an MoU later this year. 科技園公司將於下半年與山東大學簽署協議。"
    )
    assert result["agreements"] == []


# Dates


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("山東省科學技術廳廳長昨日率領代表團到訪。", "2024-06-04"),
        ("發佈儀式已於本月十六日舉行。", "2024-06-16"),
        ("三月四日，代表團抵達濰坊。", "2024-03-04"),
        ("On 25 November, the delegation was received.", "2023-11-25"),
        ("The joint working group met last month.", "2024-05"),
        ("去年十月曾率團訪問煙台。", "2023-10"),
    ],
)
def test_dates_are_resolved_against_the_dateline(sentence, expected):
    assert resolve_date(sentence, "2024-06-05", None) == expected


def test_same_day_takes_the_previous_date_and_vague_times_give_no_date():
    assert resolve_date("同日，雙方簽署協議。", "2024-06-05", "2024-06-03") == "2024-06-03"
    result = run("（香港，2023年10月24日）— 科技園公司管理層近日率領代表團訪問山東省。")
    assert [e["date"] for e in result["events"] if e["kind"] == "visit"] == [None]


# Reading and cleaning


def test_lines_padded_with_a_trailing_space_are_rejoined():
    text = (
        "標題\r\n\r\n（香港，2024年6月5日）— 山東省科學技術廳廳長唐振宇昨日率領代表團禮節性拜 \r\n"
        "訪香港科技園公司，獲科技園公司行政總裁麥家豪及首席營運官陳卓謙在香 \r\n港科學園接待。 \r\n"
    )
    doc = clean(text)
    assert "禮節性拜訪香港科技園公司" in doc.text and "在香港科學園接待" in doc.text


def test_a_footer_repeated_on_two_pages_is_dropped_and_the_paragraph_continues():
    page1 = "新聞稿 — Page 1\n" + "甲" * 38 + "\n" + "乙" * 38 + "\nwww.example.org | 傳媒專用\n"
    page2 = "新聞稿 — Page 2\n" + "丙" * 10 + "。\nwww.example.org | 傳媒專用\n"
    doc = clean(page1 + "\f" + page2)
    assert "example" not in doc.text
    assert "乙" * 38 + "丙" * 10 in doc.text


def test_word_tables_and_lists_are_read_in_document_order():
    import docx

    document = docx.Document()
    document.add_paragraph("簽署協議的機構如下：")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "晶策微電子有限公司"
    table.rows[0].cells[1].text = "煙台芯諾半導體材料有限公司"
    document.add_paragraph("甲有限公司", style="List Number")
    document.add_paragraph("之後的段落。")
    buf = io.BytesIO()
    document.save(buf)
    lines = [line for line in read_document(buf.getvalue(), "a.docx").text.split("\n\n") if line]
    assert lines == [
        "簽署協議的機構如下：",
        "• 晶策微電子有限公司 | 煙台芯諾半導體材料有限公司",
        "• 甲有限公司",
        "之後的段落。",
    ]


def test_html_breadcrumbs_are_site_chrome():
    html = '<html><body><div class="breadcrumb">首頁 &gt; 新聞</div><h1>標題</h1><p>正文\n內容</p></body></html>'
    text = read_document(html.encode(), "a.html").text
    assert "首頁" not in text and "正文內容" in text


def test_words_that_only_end_like_organisations_are_not_invented():
    result = run(
        "（济南，2025年1月8日）— 双方将优化产业布局，构建新发展格局，并参观某某科技有限公司展厅。\n\n"
        "HONG KONG, 3 March 2025 – Artificial Intelligence (AI) and the Greater Bay Area (GBA) matter to "
        "Invest Hong Kong (InvestHK)."
    )
    assert set(orgs(result)) == {"某某科技有限公司", "Invest Hong Kong"}


def test_a_title_line_under_a_contact_is_kept_and_is_not_a_contact():
    result = run(
        "（香港，2025年1月8日）— 活動今日舉行。\n\n傳媒查詢：\n\n香港生產力促進局\n\n陳美玲\n\n高級經理\n\n"
        "電話：+852 2788 5678"
    )
    assert [c["name"] for c in result["contacts"]] == ["陳美玲"]
    assert people(result)["陳美玲"] == ("高級經理", "香港生產力促進局")


def test_an_english_office_titled_by_its_city_belongs_to_that_citys_government():
    result = run(
        "QINGDAO, 18 June 2024 – The Qingdao Municipal People's Government hosted the launch. "
        "Qingdao Vice Mayor Gao Yuxin said it was a good day."
    )
    assert people(result)["Gao Yuxin"] == ("Qingdao Vice Mayor", "Qingdao Municipal People's Government")


def test_references_back_to_a_visit_are_not_new_visits_and_one_session_is_one_event():
    result = run(
        "（香港，2024年9月26日）— 代表團今日訪問香港科學園。是次訪問促進兩地交流。韓雪峰在會面中表示歡迎。"
        "「港魯科技對接會」今日在香港科學園舉行。山東代表團出席對接會。"
    )
    assert sorted(e["kind"] for e in result["events"]) == ["matchmaking", "visit"]


def test_touring_a_site_is_a_site_visit_only():
    result = run("HONG KONG, 3 March 2025 – The delegation then visited the rooftop solar project of a logistics firm.")
    assert [e["kind"] for e in result["events"]] == ["site_visit"]


# Datelines in other layouts, and relative dates


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("深圳，2026年1月9日——深圳市某局今日舉行活動。", "2026-01-09"),
        ("【威海．2026年2月3日】威海市人民政府今天舉行活動。", "2026-02-03"),
        ("2026年7月1日，济南——山东省商务厅今天举行活动。", "2026-07-01"),
        ("发布时间：2026-04-08 09:30　来源：某开发区", "2026-04-08"),
        ("Weifang, Shandong, May 5, 2026 — The Weifang Municipal People's Government held a forum.", "2026-05-05"),
        ("Hong Kong (4 March 2026) – Ruihang Robotics Limited held a forum.", "2026-03-04"),
    ],
)
def test_datelines_in_other_layouts_give_the_publication_date(line, expected):
    assert run("標題\n\n" + line)["published"] == expected


@pytest.mark.parametrize(
    ("sentence", "previous", "expected"),
    [
        ("翌日，代表團前往威海。", "2026-03-10", "2026-03-11"),
        ("The next day, the delegation toured a port.", "2026-03-10", "2026-03-11"),
        ("On the eve of the forum, the mayor received the guests.", "2026-03-10", "2026-03-09"),
        ("前一天（3月8日），代表团拜会了商务厅。", "2026-03-10", "2026-03-08"),
        ("9日下午，代表团参观了工厂。", "2026-03-10", "2026-03-09"),
        ("On Tuesday, the delegation called on the bureau.", None, "2026-03-10"),
        ("On Thursday (12 March), the delegation called on the bureau.", None, "2026-03-12"),
        ("The mayor visited the park in October last year.", None, "2025-10"),
        ("双方去年十月开始合作。", None, "2025-10"),
    ],
)
def test_relative_dates_resolve_against_the_dateline_and_the_story(sentence, previous, expected):
    # 2026-03-13 is a Friday.
    assert resolve_date(sentence, "2026-03-13", previous) == expected


# Delegation members printed without bullets, or as a table


def test_a_member_table_gives_the_organisation_cell_of_each_row():
    result = extract(
        clean(
            "Title\n\nMembers of the delegation\n\n• No. | Organisation | Representative\n\n"
            "• 1 | Weihai Municipal Bureau of Commerce | Mr Lu Jianguo, Director\n\n"
            "• 2 | Harbourlight Optics Limited | Ms Ko Mei-ling, Founder",
            structured=True,
        )
    )
    assert result["delegation_members"] == ["Weihai Municipal Bureau of Commerce", "Harbourlight Optics Limited"]


def test_member_names_on_lines_without_bullets_under_a_heading_are_members():
    result = run(
        "（香港，2026年3月1日）科技園公司代表團今日訪問威海，與當地政府和企業探討在智能製造及海洋科技方面的合作。\n\n"
        "隨團企業\n\n澄明光學有限公司\n\n匯川數據科技有限公司\n\n圖一：代表團成員在威海合照。"
    )
    assert result["delegation_members"] == ["澄明光學有限公司", "匯川數據科技有限公司"]


def test_an_html_table_row_is_a_list_item_with_cells():
    html = b"<html><body><p>Agreements signed</p><table><tr><td>1</td><td>A Limited</td></tr></table></body></html>"
    assert "• 1 | A Limited" in read_document(html, "x.html").text


# Titles in other orders


def test_a_title_after_the_name_belongs_to_the_organisation_before_it():
    result = run("（濟南，2026年3月1日）代表團與濟南市商務局的祁文濤局長會面。")
    assert people(result)["祁文濤"] == ("局長", "濟南市商務局")


def test_a_title_and_name_separated_by_a_space_in_a_list():
    result = run("（威海，2026年3月1日）出席嘉宾有：\n\n• 威海市人民政府副市长　綦海波")
    assert people(result)["綦海波"][0] == "副市长"


def test_a_possessive_title_before_the_name():
    result = run(
        "HONG KONG, 3 March 2026 – Harbourlight Optics Limited (Harbourlight) opened a lab. "
        "Harbourlight's Chief Technology Officer, Dr Peter Chan, said it was ready."
    )
    assert people(result)["Peter Chan"] == ("Chief Technology Officer", "Harbourlight Optics Limited")
    assert "Technology Officer" not in people(result)


def test_a_second_titled_person_after_and_shares_the_organisation():
    result = run(
        "HONG KONG, 3 March 2026 – Hong Kong Science and Technology Parks Corporation (HKSTP) hosted a forum. "
        "HKSTP Chief Executive Officer Mak Ka-ho and Director of Business Development So Wai-lam welcomed guests."
    )
    assert people(result)["So Wai-lam"][0] == "Director of Business Development"


# Contacts in other layouts


def test_contacts_with_a_name_label_a_title_before_the_name_and_a_compound_surname():
    result = run(
        "（威海，2026年3月1日）內文。\n\n如有查詢，請聯絡：\n\n澄明光學有限公司\n\n傳訊經理　司徒嘉欣\n\n"
        "電話：1234 5678\n\n媒体联系\n\n威海市商务局\n\n联系人：曲文静\n\n电话：0631-1234567"
    )
    contacts = {c["name"]: c for c in result["contacts"]}
    assert set(contacts) == {"司徒嘉欣", "曲文静"}
    assert people(result)["司徒嘉欣"][0] == "傳訊經理"


# Signings: passives, witnesses, names cut at "and"


def test_a_passive_signing_with_no_agent_names_no_parties():
    result = run(
        "HONG KONG, 3 March 2026 – Hosted by the Weihai Municipal Bureau of Commerce and Harbourlight Optics "
        "Limited, the forum closed with three agreements signed on stage."
    )
    assert result["agreements"] == []


def test_witnesses_given_as_with_x_as_witnesses():
    result = run(
        "HONG KONG, 3 March 2026 – Harbourlight Optics Limited and Weihai Port Group Co., Ltd. signed an MoU. "
        "The MoU was signed by Ms Ko Mei-ling, Founder of Harbourlight Optics Limited, and Mr Lu Jianguo, "
        "General Manager of Weihai Port Group Co., Ltd., with Mr Mak Ka-ho as witnesses."
    )
    assert {p for a in result["agreements"] for p in a["parties"]} == {
        "Harbourlight Optics Limited",
        "Weihai Port Group Co., Ltd.",
    }


def test_a_place_in_brackets_inside_a_company_name_and_no_month_or_subsidiary_glued_on():
    result = run(
        "（香港，2026年3月1日）去年九月威海海晨新材料有限公司成立全资子公司海晨新材料（香港）有限公司，"
        "今天与澄明光學有限公司签署合作协议。"
    )
    assert {"威海海晨新材料有限公司", "海晨新材料（香港）有限公司"} <= set(orgs(result))
    assert not {"九月威海海晨新材料有限公司", "全资子公司"} & set(orgs(result))


def test_an_unveiling_is_a_launch_but_a_release_time_header_is_not():
    result = run("标题\n\n发布时间：2026-04-08 09:30　来源：某开发区\n\n创新中心今天在威海揭幕。")
    assert [e["kind"] for e in result["events"]] == ["launch"]


def test_at_the_time_takes_the_date_of_the_sentence_before_and_headings_are_not_events():
    result = run(
        "（香港，2026年3月1日）雙方的合作始於去年十月。當時，澄明光學有限公司參加了在威海舉行的對接會。\n\n"
        "Courtesy call and site visit\n\n內文。"
    )
    assert [(e["kind"], e["date"]) for e in result["events"]] == [("matchmaking", "2025-10")]


def test_a_title_in_brackets_after_the_name_and_a_transliterated_foreign_name():
    result = run(
        "（香港，2026年3月1日）海晨新材料有限公司（“海晨”）今天揭牌，由俞明川（海晨董事长）主持。"
        "海湾贸易有限责任公司首席执行官萨米尔·阿巴斯签署协议。"
    )
    assert people(result)["俞明川"] == ("董事长", "海晨新材料有限公司")
    assert people(result)["萨米尔·阿巴斯"] == ("首席执行官", "海湾贸易有限责任公司")


def test_receiving_a_named_guest_is_a_meeting():
    result = run("HONG KONG, 3 March 2026 – Ms Ko Mei-ling received Mr Lu Jianguo at the Weihai Municipal Bureau.")
    assert [e["kind"] for e in result["events"]] == ["meeting"]


def test_more_countries_are_places():
    result = run("（香港，2026年3月1日）海湾贸易有限责任公司在阿曼和埃及代理产品。")
    assert {"阿曼", "埃及"} <= set(places(result))
