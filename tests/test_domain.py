"""The domain registry (pbdocs/data/domain.toml) and the places that must agree with it."""
from __future__ import annotations

import string
from importlib import resources

import pytest

from pbdocs.domain import parse_domain, registry
from pbdocs.errors import InvalidOption, RulePackError
from pbdocs.messages import catalogue
from pbdocs.rules import builtin_pack_names, list_rules, load_pack, org_type_name
from pbdocs.rules.engine import RULE_KINDS

DOMAIN_TOML = resources.files("pbdocs").joinpath("data", "domain.toml").read_text(encoding="utf-8")


def test_org_types_and_every_spelling():
    domain = registry()
    assert domain.org_type_names() == ("社会团体", "基金会", "社会服务机构")
    assert [t.code for t in domain.org_types] == ["social-group", "foundation", "social-service"]
    assert domain.org_type_choices() == ("社会团体", "社团", "social-group", "基金会", "foundation",
                                         "社会服务机构", "民办非企业单位", "民非", "social-service")
    for spelling, name in [("民办非企业单位", "社会服务机构"), ("民非", "社会服务机构"), (" 社团 ", "社会团体"),
                           ("foundation", "基金会"), ("基金会", "基金会")]:
        assert domain.org_type(spelling).name == name
        assert org_type_name(spelling) == name


def test_unknown_org_type_names_the_accepted_values():
    with pytest.raises(InvalidOption) as info:
        registry().org_type("学校")
    message = str(info.value)
    assert message.startswith("unknown organization type '学校' (one of: ")
    assert all(spelling in message for spelling in registry().org_type_choices())


def test_subject_words_and_defaults():
    domain = registry()
    assert domain.subject_pattern.search("本基金会的宗旨").group() == "本基金会"
    assert domain.subject_pattern.search("基本会计制度") is None
    assert [domain.default_subject(n) for n in domain.org_type_names()] == ["本会", "本基金会", "本单位"]
    assert domain.default_subject(None) == "本会"


def test_packs_and_groups_match_the_pack_files():
    domain = registry()
    assert domain.pack_names == ("party", "statutory", "company", "all")
    assert domain.kind_packs == ("company",)
    assert domain.default_pack == "party" and domain.every_pack == "all"
    assert domain.packs_named("all") == ("party", "statutory")
    assert domain.packs_named("party") == ("party",)
    rule_files = resources.files("pbdocs").joinpath("data", "rules").iterdir()
    files = sorted(entry.name.removesuffix(".toml") for entry in rule_files
                   if entry.name.endswith(".toml") and not entry.name.startswith("_"))
    assert sorted(builtin_pack_names()) == files == sorted([*domain.builtin_packs, *domain.kind_packs])


def test_statutory_scopes_name_rules_of_the_statutory_pack():
    domain = registry()
    statutory = {rule.id: rule for rule in load_pack("statutory").rules}
    scoped = [rule_id for t in domain.org_types for rule_id in t.statutory_rules]
    assert sorted(scoped) == sorted(statutory)
    for org_type in domain.org_types:
        for rule_id in org_type.statutory_rules:
            assert statutory[rule_id].org_types == (org_type.name,)
    assert all(not rule.org_types for rule in load_pack("party").rules)


def test_rule_ids_are_rules_of_the_builtin_packs():
    ids = {rule.id for rule in list_rules(registry().every_pack)}
    rule_ids = registry().rule_ids.as_dict()
    assert rule_ids == {"party_clause": "party-clause", "core_values": "core-values", "placement": "placement",
                        "party_building_body": "party-building-body"}
    assert set(rule_ids.values()) <= ids


def test_templates_fill_with_the_fields_the_engine_gives():
    domain = registry()
    fields = {key: {name for _, name, _, _ in string.Formatter().parse(template) if name}
              for key, template in {**domain.fix_templates, **domain.message_templates}.items()}
    assert fields["clause_partial"] == {"title", "missing"}
    assert fields["replace_contradicted"] == {"article"}
    assert fields["contents_missing"] == {"basis", "missing"}
    for place in domain.places.values():
        assert place.found.format(label="第三条").startswith("第三条")
    assert set(domain.places) == {"purpose", "supervision"}


def test_rule_kinds_table_drives_pack_validation():
    assert list(RULE_KINDS) == ["clause", "contents", "placement", "mention"]
    assert [kind for kind, spec in RULE_KINDS.items() if spec.reads_target] == ["placement"]
    used = {rule.kind for rule in list_rules(registry().every_pack)}
    assert used <= set(RULE_KINDS)


@pytest.mark.parametrize("broken,expected,chinese", [
    (lambda t: t.replace('aliases = ["民办非企业单位", "民非"]', 'aliases = ["民办非企业单位", "社团"]'),
     "a spelling names two types", "登记数据有误：org_types 表中有一个写法指向两种组织类型（或重复出现）"),
    (lambda t: t.replace('order = ["foundation", "social-service", "social-group"]', 'order = ["foundation"]'),
     "'order' must list each type code once",
     "登记数据有误：[detection] 表的“order”应把每个组织类型代码各列一次（social-group, foundation, social-service）"),
    (lambda t: t.replace('all = ["party", "statutory"]', 'all = ["party", "nonsense"]'),
     "group 'all' must be a new name made of built-in packs",
     "登记数据有误：[packs.groups] 表的组合“all”应是新名称，且只由内置规则包组成"),
    (lambda t: t.replace('named = \'基金会$\'', 'named = \'(基金会\''), "bad regular expression in 'named'",
     "登记数据有误：org_types[1] 表的“named”中的正则表达式“(基金会”写法有误：左括号“(”没有对应的右括号"),
    (lambda t: t.replace('clause_missing = "未找到{title}"', 'clause_missing = "未找到{title"'),
     "bad template 'clause_missing'", "登记数据有误：[messages] 表的模板“clause_missing”中的花括号不配对"),
    (lambda t: t + "\n[[", "not valid TOML", "登记数据不是有效的 TOML：第 {line} 行第 3 列附近写法有误"),
])
def test_a_broken_registry_is_refused_naming_the_problem(broken, expected, chinese):
    text = broken(DOMAIN_TOML)
    assert text != DOMAIN_TOML
    with pytest.raises(RulePackError, match=r"^domain\.toml: ") as info:
        parse_domain(text, "domain.toml")
    assert expected in str(info.value)
    assert catalogue().error_text(info.value) == chinese.format(line=text.count("\n") + 1)


def test_fix_kind_tells_the_place_templates_apart():
    domain = registry()
    assert domain.fix_kind("将第四条中的“坚持中国共产党的领导”改为") == "amend_weak"
    assert domain.fix_kind("加入第四条，保留该条中的党建工作指导员安排") == "add_to_article"
    assert domain.fix_kind("替换第四条的现有表述") == "replace_partial"
    # A rule's own place (and the text of a fix) is no template's.
    assert domain.fix_kind("插入第一章 总则，第三条（宗旨）之后") is None
    assert domain.fix_kind("本会坚持中国共产党的全面领导。") is None
