"""Rebuild the bundled corpus's generated parts: python scripts/build_corpus.py [CORPUS_DIR]

- the requirement documents (corpus/requirements/), written from the built-in rule packs by
  pbdocs.search.requirements;
- the version fields of the manifest: version and effective read from each text where missing,
  superseded_by linked between same-titled documents, and the facts below that the texts do not state.

- the 2022 党章 (corpus/policies/中国共产党章程_2022.txt), established from the bundled 2017 text and the
  changes the 二十大's amendment made to its articles (see PARTY_CONSTITUTION_2022 below).

Documents themselves are added with `pbdocs ingest --corpus corpus FILE` (see docs/commands/ingest.md).
"""
from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

from pbdocs.files import sha256_file, write_text_atomic
from pbdocs.search.corpus import Corpus, CorpusEntry, body_start
from pbdocs.search.requirements import write_requirements

# Dates a consolidated text does not carry: it keeps the 施行 article of its first version.
EFFECTIVE = {
    # 全国人民代表大会常务委员会关于修改《中华人民共和国慈善法》的决定 (2023-12-29): 本决定自2024年9月5日起施行.
    "慈善法_2023修正": "2024-09-05",
    # A revision of the 党章 is in force from the day the congress adopts it.
    "中国共产党章程_2017": "2017-10-24",
    "中国共产党章程_2022": "2022-10-22",
}

# 文号 and dates of issue that the bundled texts omit, from the promulgating order or notice as stored
# public copies print it (read 2026-12-07 through the workplace's page search):
ISSUED = {
    # 中华人民共和国民政部令 第39号, 部长 李立国, 2010年12月27日 (law69.infoeach.com/view-Njl8MTE2MjQx.html;
    # also www.saillro.com, 广西安徽商会, reprinting the order).
    "社会组织评估管理办法_2011": {"doc_number": "民政部令第39号", "date": "2010-12-27"},
    # 中华人民共和国民政部令 第67号, 部长 李纪恒, 2020年12月2日 (m.fjcv.org/page179?article_id=1124, 来源：国务院公报).
    "志愿服务记录与证明出具办法_2021": {"date": "2020-12-02"},
    # 中华人民共和国主席令 第四十三号, 2016年3月16日 (xyh.wxc.edu.cn/2022/1207/c6669a165448/page.htm, 皖西学院
    # reprinting the law with the order). The 2023 amendment's order was not in the stored copies found.
    "慈善法_2016": {"doc_number": "中华人民共和国主席令第四十三号"},
    # 国发〔1999〕25号 under the title (yuanzhi668.cn/meitibaodao/1806738.html, reprinting the notice).
    "国务院关于国家行政机关和企业事业单位社会团体印章管理的规定_1999": {"doc_number": "国发〔1999〕25号"},
}

# Versions the text's own lines understate: LawRefBook's 社会团体登记管理条例 is the 2016 text but keeps
# only the 1998 line under its title. The 题注 as stored public copies print it: (1998年10月25日中华人民共和国
# 国务院令第250号发布 根据2016年2月6日《国务院关于修改部分行政法规的决定》修订) (ahdhf.com/law/xz/5806.html).
REVISED = {"社会团体登记管理条例_2016": {"version": "2016修订"}}

# Status the corpus cannot infer: none at present (the 2017 党章 is superseded by the bundled 2022 text).
NOT_IN_FORCE: set[str] = set()

# Links the title alone cannot make: both 党章 texts are titled 中国共产党章程 but the version inference
# keys on dates, which the 2017 entry pins.
SUPERSEDED_BY = {"中国共产党章程_2017": "中国共产党章程_2022"}

# How a document is cited where its text's own heading says more than its title: the 党章's heading
# carries the congress that amended it (…部分修改，2022年10月22日通过, in force on adoption), which the
# citation gives as the version: 《中国共产党章程》(2022) 第三十条.
CITED_AS = {"中国共产党章程_2017": {"title": "中国共产党章程", "version": "2017"},
            "中国共产党章程_2022": {"title": "中国共产党章程", "version": "2022"}}

# The 2022 党章. No complete copy of the text as published (新华社, 2022-10-26) could be found among the
# stored public files, so its articles are established from the bundled 2017 text and the amendment as the
# official explanation states it (中国共产党第二十次全国代表大会秘书处负责人就党的二十大通过的《中国共产党章程
# （修正案）》答新华社记者问, 2022; 50 changes, 37 in the 总纲 and 13 in the articles). Each change below
# quotes the new wording where that explanation (or a second source, named) quotes it. Where the explanation
# only paraphrases a change ("增写……的内容") and no source giving the exact new words was found, the
# changed passage is left out and marked "……" rather than guessed; the 总纲 is left out for the same
# reason (most of its 37 changes are paraphrased).
AMENDMENT_EXPLANATION = ("新华社 2022-10 (党的二十大秘书处负责人答新华社记者问), read in a stored copy: "
                         "public GitHub file (read_file id 60391205209), a saved page of 绍兴市第一中学 "
                         "(Shaoxingyizhong/Item/16927.aspx, 每周一学（2022年11月28日-12月4日）, 来源：新华社)")
# The second source for 第三条: the 原文背诵 data of a party-study app (public GitHub file, read_file id
# 59188105995, "党员八项义务", marked 原文主干) gives all eight items; its items (三) to (八) are word for word
# those of the 2017 text, and (一), (二) carry exactly the two additions the explanation names.
DUTIES_2022 = ("党员八项义务 in a party-study app's 原文背诵 data (public GitHub file, read_file id 59188105995), "
               "items (三)-(八) identical to the 2017 text")
PARTY_CONSTITUTION_2022 = [
    # (article, 2017 wording, 2022 wording, where the new wording is stated)
    ("第三条", "学习党的基本知识，学习科学", "学习党的基本知识和党的历史，学习科学",
     "explanation: 对党员义务进行了完善，增写学习党的历史……的内容; wording: " + DUTIES_2022),
    ("第三条", "（二）贯彻执行党的基本路线",
     "（二）增强“四个意识”、坚定“四个自信”、做到“两个维护”，贯彻执行党的基本路线",
     "explanation: 增写……增强“四个意识”、坚定“四个自信”、做到“两个维护”的内容; wording: " + DUTIES_2022),
    ("第三十条", "企业、农村、机关、学校、科研院所、", "企业、农村、机关、学校、医院、科研院所、",
     "explanation: 将医院明确列入第三十条第一款规定的基层单位类型; order as quoted in a 2022 党章 quiz "
     "(public GitHub file, read_file id 63254700406): 企业、农村、机关、学校、医院、科研院所、街道社区、社会组织"),
    ("第三十三条", "领导本地区的工作和基层社会治理，", "统一领导本地区基层各类组织和各项工作，加强基层社会治理，",
     "explanation: 相关内容表述为：街道、乡、镇党的基层委员会和村、社区党组织，统一领导本地区基层各类组织和各项工作，"
     "加强基层社会治理"),
    ("第四十条", "给以批评教育直至纪律处分", "给以批评教育、责令检查、诫勉直至纪律处分",
     "explanation: 将第四十条第二款……修改为按照错误性质和情节轻重，给以批评教育、责令检查、诫勉直至纪律处分"),
    ("第四十八条", "党组发挥领导核心作用。", "党组发挥领导作用。",
     "explanation: 把第四十八条中党组的职责定位调整表述为：党组发挥领导作用"),
    ("第五十条", "对下属单位实行集中统一领导的国家工作部门可以建立党委，",
     "在对下属单位实行集中统一领导的国家工作部门和有关单位的领导机关中，可以建立党委，",
     "explanation: 充实第五十条相关内容……表述为：在对下属单位实行集中统一领导的国家工作部门和有关单位的领导机关中，"
     "可以建立党委"),
]
# Passages changed by the amendment whose new wording no available source states: (article, the 2017
# passage's opening, what the explanation says was changed).
PARTY_CONSTITUTION_2022_UNSTATED = [
    ("第三十二条", "（二）组织党员认真学习", "第二项中增写推进党史学习教育常态化制度化的内容"),
    ("第三十三条", "国有企业党委（党组）", "第二款中……增写领导统一战线工作和妇女组织的内容"),
    ("第三十六条", "（五）正确行使人民赋予的权力", "第五项中增写反对特权思想和特权现象的内容"),
    ("第四十五条", "党的中央和地方纪律检查委员会向同级",
     "第四款增写按照规定向有关国有企业、事业单位派驻党的纪律检查组的内容"),
    ("第四十六条", "党的各级纪律检查委员会是党内监督专责机关", "第一款增写推动完善党和国家监督体系的内容"),
]


ARTICLE_START = re.compile(r"^(第[一二三四五六七八九十百]+条)　")


def party_constitution_2022(text_2017: str) -> str:
    """The 2022 党章's chapters and articles from the 2017 text: every change of PARTY_CONSTITUTION_2022
    applied (each must match exactly once), every passage of PARTY_CONSTITUTION_2022_UNSTATED replaced
    by "……", the 总纲 left out."""
    lines = text_2017[body_start(text_2017):].split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("第一章"))
    articles: list[list[str]] = []  # the lines of each article (chapter headings ride with the next one)
    pending: list[str] = []
    for line in lines[first:]:
        if not line.strip():
            continue
        if ARTICLE_START.match(line):
            articles.append([*pending, line])
            pending = []
        elif line.startswith("第") and "章　" in line[:6]:
            pending.append(line)
        else:
            articles[-1].append(line)
    by_number = {ARTICLE_START.match(next(x for x in a if ARTICLE_START.match(x))).group(1): a for a in articles}
    for number, old, new, _ in PARTY_CONSTITUTION_2022:
        hits = [i for i, line in enumerate(by_number[number]) if old in line]
        if len(hits) != 1 or by_number[number][hits[0]].count(old) != 1:
            raise SystemExit(f"{number}: the 2017 wording {old!r} is not found exactly once")
        by_number[number][hits[0]] = by_number[number][hits[0]].replace(old, new)
    for number, opening, _ in PARTY_CONSTITUTION_2022_UNSTATED:
        hits = [i for i, line in enumerate(by_number[number]) if opening in line]
        if len(hits) != 1:
            raise SystemExit(f"{number}: the 2017 passage {opening!r} is not found exactly once")
        line = by_number[number][hits[0]]
        lead = ARTICLE_START.match(line)
        if lead:
            by_number[number][hits[0]] = lead.group(0) + "……"
        else:
            item = re.match(r"^（[一二三四五六七八九十]+）", line)
            by_number[number][hits[0]] = (item.group(0) if item else "") + "……"
    if len(by_number) != 55:
        raise SystemExit(f"the 2017 text has {len(by_number)} articles, not 55")
    header = [
        "# source: established by scripts/build_corpus.py from corpus/policies/中国共产党章程_2017.txt and the "
        "二十大 amendment as stated in " + AMENDMENT_EXPLANATION + "; 第三条 wording: " + DUTIES_2022,
        "# title: 中国共产党章程（中国共产党第二十次全国代表大会部分修改，2022年10月22日通过）",
        "# note: 条文 only (第一章至第十一章, 55 articles); 总纲 not included. Passages marked …… were changed "
        "in 2022 and their new wording could not be verified word for word: " +
        "; ".join(f"{n} {what}" for n, _, what in PARTY_CONSTITUTION_2022_UNSTATED),
        "",
        "中国共产党章程",
        "（中国共产党第二十次全国代表大会部分修改，2022年10月22日通过）",
    ]
    return "\n".join(header + [line for a in articles for line in a]) + "\n"


def party_constitution_2022_entry(corpus: Corpus, rel: str) -> CorpusEntry:
    """The manifest entry of the established 2022 党章, its digest matching the file just written."""
    return CorpusEntry(
        id="中国共产党章程_2022", file=rel, title="中国共产党章程", issuer="中国共产党全国代表大会",
        date="2022-10-22", sha256=sha256_file(corpus.root / rel), version="2022", effective="2022-10-22",
        # In force as the newest 党章, not pinned: a later one an office ingests supersedes it.
        in_force=None,
        source="established from the bundled 2017 text (中国共产党章程_2017, its source) and the 二十大 amendment "
               "(《中国共产党章程（修正案）》, 2022-10-22) as stated in " + AMENDMENT_EXPLANATION +
               "; 第三条 wording: " + DUTIES_2022 +
               "; 条文 only, 总纲 omitted, passages whose 2022 wording is not stated marked …… "
               "(scripts/build_corpus.py, PARTY_CONSTITUTION_2022)")


def main(corpus_dir: Path) -> None:
    rel = "policies/中国共产党章程_2022.txt"
    source_2017 = corpus_dir / "policies" / "中国共产党章程_2017.txt"
    write_text_atomic(corpus_dir / rel, party_constitution_2022(source_2017.read_text(encoding="utf-8")))
    written = write_requirements(corpus_dir)
    corpus = Corpus.load(corpus_dir)
    derived = party_constitution_2022_entry(corpus, rel)
    corpus.entries = [e for e in corpus.entries if e.id != derived.id] + [derived]
    corpus.entries = [replace(e, effective=EFFECTIVE.get(e.id, e.effective),
                              in_force=False if e.id in NOT_IN_FORCE else e.in_force,
                              **CITED_AS.get(e.id, {}), **ISSUED.get(e.id, {}), **REVISED.get(e.id, {}))
                      for e in corpus.entries]
    corpus.infer_versions()
    corpus.entries = [replace(e, superseded_by=SUPERSEDED_BY.get(e.id, e.superseded_by)) for e in corpus.entries]
    corpus.save()
    superseded = [f"{e.id} -> {e.superseded_by}" for e in corpus.entries if e.superseded_by]
    print(f"{len(corpus.entries)} documents, {len(written)} generated; superseded: {', '.join(superseded) or 'none'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "corpus")
