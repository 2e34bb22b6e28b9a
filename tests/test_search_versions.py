"""The dated acts under a statute's title (题注) and what they make of its date, version and 文号."""
from __future__ import annotations

import pytest

from pbdocs.search.corpus import statute_fields
from pbdocs.search.versions import amendment, effective_date, enactments, version_label


def statute(title: str, *note: str) -> str:
    return "\n\n".join([title, *note, "第一条 为了规范管理，制定本条例。"]) + "\n"


DECREE = "中华人民共和国国务院令第250号"
REVISION = "《国务院关于修改部分行政法规的决定》修订"
CONGRESS = "第十二届全国人民代表大会第四次会议通过"
STANDING = "第十四届全国人民代表大会常务委员会第七次会议"
ONE_LINE = statute("社会团体登记管理条例", f"（1998年10月25日{DECREE}发布　根据2016年2月6日{REVISION}）")
ONE_LINE_LAW = statute("中华人民共和国慈善法",
                       f"（2016年3月16日{CONGRESS}　根据2023年12月29日{STANDING}《关于修改〈慈善法〉的决定》修正）")
ONE_A_LINE = statute("# 中华人民共和国慈善法", f"2016年3月16日 {CONGRESS}", f"2023年12月29日 {STANDING}修正",
                     "<!-- INFO END -->")
IN_FORCE_ON_THE_LINE = statute("社会团体登记管理条例", f"(1998年10月25日{DECREE}发布  自1998年10月25日起施行)")
# A city's regulation amended by the city and approved by the province (LawRefBook's 青岛, 洛阳 and 济宁
# regulations): the city enacted, whichever order the line names them in.
APPROVED_AFTER = statute("青岛市示例条例", "1992年11月21日 青岛市第十届人民代表大会常务委员会第三十二次会议通过",
                         "2011年11月25日 山东省第十一届人民代表大会常务委员会第二十七次会议批准的2011年11月15日"
                         "青岛市第十四届人民代表大会常务委员会第三十三次会议《关于修改〈青岛市示例条例〉的决定》修正")
APPROVER_ONLY = statute("洛阳市示例条例", "2004年12月24日 洛阳市第十二届人民代表大会常务委员会第七次会议通过",
                        "2005年3月31日 河南省第十届人民代表大会常务委员会第十五次会议批准的"
                        "《关于修改〈洛阳市示例条例〉的决定》修正")
PASSED_THEN_APPROVED = statute("济宁市示例条例",
                               "2016年10月27日 济宁市第十六届人民代表大会常务委员会第四十五次会议通过",
                               "2021年8月28日 经济宁市第十七届人民代表大会常务委员会第四十七次会议通过并经2021年9月30日"
                               "山东省第十三届人民代表大会常务委员会第三十次会议批准的《关于修改〈济宁市示例条例〉的决定》修正")
MINISTRY_RULE = statute("社会组织评估管理办法", "（2010年12月27日民政部令第39号公布　自2011年3月1日起施行）")
JOINT_ORDER = statute("示例条例", "2011年10月29日 中华人民共和国国务院、中华人民共和国中央军事委员会令第608号公布")
PARTY_RULE = statute("中国共产党纪律处分条例", "（2003年12月31日中共中央发布　2015年10月12日中共中央修订　"
                     "2018年8月18日中共中央修订　2023年12月19日中共中央修订）")
APPROVED_THEN_ISSUED = statute("中国共产党支部工作条例（试行）",
                               "（2018年10月28日中共中央政治局会议审议批准　2018年11月25日中共中央发布）")
# The one-line 题注 wrapped by a PDF's narrow column, inside the 《决定》's title.
WRAPPED = statute("社会团体登记管理条例",
                  f"（1998年10月25日{DECREE}发布　根据2016年2月6日《国务院关于修改部分行政法规\n的决定》修订）")
# A copy that ran the acts together, no space between them.
UNSPACED = statute("基金会管理条例", "(2004年2月11日国务院第39次常务会议通过2004年3月8日中华人民共和国国务院令"
                                     "第400号公布自2004年6月1日起施行)")
# Passed at a government body's meeting, no order number given (the 1989 社团条例).
MEETING = statute("社会团体登记管理条例", "1989年10月13日国务院第四十九次常务会议通过")
# The 党章's note says who amended it before when (中国共产党第二十次全国代表大会部分修改，2022年10月22日通过).
CONGRESS_NOTE = statute("中国共产党章程", "（中国共产党第二十次全国代表大会部分修改，2022年10月22日通过）")
STATE_COUNCIL = {"doc_number": DECREE, "issuer": "国务院"}
LEGISLATURE = {"issuer": "全国人民代表大会常务委员会", "date": "2023-12-29"}


@pytest.mark.parametrize("text, fields, version, effective", [
    (ONE_LINE, {**STATE_COUNCIL, "date": "2016-02-06"}, "2016修订", None),
    (ONE_LINE_LAW, LEGISLATURE, "2023修正", None),
    (ONE_A_LINE, LEGISLATURE, "2023修正", None),
    (IN_FORCE_ON_THE_LINE, {**STATE_COUNCIL, "date": "1998-10-25"}, "1998", "1998-10-25"),
    (APPROVED_AFTER, {"issuer": "青岛市人民代表大会常务委员会", "date": "2011-11-25"}, "2011修正", None),
    (APPROVER_ONLY, {"issuer": "洛阳市人民代表大会常务委员会", "date": "2005-03-31"}, "2005修正", None),
    (PASSED_THEN_APPROVED, {"issuer": "济宁市人民代表大会常务委员会", "date": "2021-08-28"}, "2021修正", None),
    (MINISTRY_RULE, {"doc_number": "民政部令第39号", "issuer": "民政部", "date": "2010-12-27"}, "2010", "2011-03-01"),
    (JOINT_ORDER, {"doc_number": "中华人民共和国国务院、中华人民共和国中央军事委员会令第608号",
                   "issuer": "国务院、中央军事委员会", "date": "2011-10-29"}, "2011", None),
    (PARTY_RULE, {"issuer": "中共中央", "date": "2023-12-19"}, "2023修订", None),
    (APPROVED_THEN_ISSUED, {"issuer": "中共中央", "date": "2018-11-25"}, "2018", None),
    (WRAPPED, {**STATE_COUNCIL, "date": "2016-02-06"}, "2016修订", None),
    (UNSPACED, {"doc_number": "中华人民共和国国务院令第400号", "issuer": "国务院", "date": "2004-03-08"}, "2004",
     "2004-06-01"),
    (MEETING, {"issuer": "国务院", "date": "1989-10-13"}, "1989", None),
    (CONGRESS_NOTE, {"issuer": "中国共产党全国代表大会", "date": "2022-10-22"}, "2022", None),
], ids=["official-one-line", "official-one-line-law", "lawrefbook-one-a-line", "in-force-on-the-line",
        "approved-after-the-city", "approver-only", "passed-then-approved", "ministry-rule", "joint-order",
        "party-rule-revised", "party-rule-approved-then-issued", "wrapped-title-note", "acts-unspaced",
        "passed-at-a-meeting", "party-congress-note"])
def test_the_latest_act_dates_the_version_and_the_decree_stays_its_number(text, fields, version, effective):
    found = statute_fields(text)
    assert found == fields
    assert version_label(text, found["date"]) == version
    assert effective_date(text, found["date"]) == effective


def test_an_official_title_note_holds_one_act_for_each_date_but_a_date_after_zi():
    assert [(e.date, e.act) for e in enactments(ONE_LINE)] == [
        ("1998-10-25", f"{DECREE}发布"), ("2016-02-06", REVISION)]
    assert [(e.date, e.act) for e in enactments(IN_FORCE_ON_THE_LINE)] == [
        ("1998-10-25", f"{DECREE}发布  自1998年10月25日起施行")]
    # A sentence of the body that starts with a date is not under the title.
    assert enactments("第一条 2020年1月1日起，本办法施行。") == []


@pytest.mark.parametrize("version, date, kind", [
    ("2016修订", "2016-02-06", "修订"), ("2023修正", "2023-12-29", "修正"), ("2016", "2016-02-06", None),
    ("2016修订", "1998-10-25", None), (None, "2016-02-06", None), ("2021版", "2021-03-01", None),
])
def test_a_date_is_an_amendment_s_only_in_the_year_of_an_amended_version(version, date, kind):
    assert amendment(version, date) == kind
