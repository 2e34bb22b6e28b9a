"""What the real-question sets' checkers share: row format, labels found in the corpus text, no page reused.

Plain Python without pbdocs, on purpose: labels must not be shaped by the search code. Each set's
checker (check_dev3.py, check_heldout2.py) names its file, its id prefix, the sets it must not repeat
and its own rules for answer strings and sites.
"""
import json
import re
import unicodedata
import urllib.parse
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FIELDS = ["id", "q", "answers", "kind", "answerable", "doc", "article", "source", "retrieved"]
KINDS = {"definition", "amount", "frequency", "authority", "conditions", "prohibition", "permission", "other"}
RETRIEVED = "2026-12-07"
# A title names several versions; the sets mean the one in force (as the first set does).
PINNED = {
    "中华人民共和国慈善法（2023修正）": "policies/慈善法_2023修正.txt",
    "中国共产党章程": "policies/中国共产党章程_2022.txt",
    "中华人民共和国公司法": "policies/公司法_2023.txt",
}


def fold(text):
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not (ch.isspace() or unicodedata.category(ch)[0] in "PSZ"))


def articles(text):
    # 第X条; documents numbered by items instead (the 1999 seal rules: 十四、…) are split on 十四、
    pattern = r"(?m)^\s*(第[一二三四五六七八九十百零〇]+条)"
    if not re.search(pattern, text):
        pattern = r"(?m)^\s*([一二三四五六七八九十]+)、"
    parts = re.split(pattern, text)
    found = {}
    for i in range(1, len(parts), 2):
        found[parts[i]] = found.get(parts[i], "") + parts[i + 1]
    return found


def host(row):
    return urllib.parse.urlparse(row["source"]).netloc.removeprefix("www.")


def read_rows(name):
    return [json.loads(line) for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def policy_files_by_title():
    manifest = json.loads((ROOT / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    by_title = {}
    for d in manifest["documents"]:
        if d["file"].startswith("policies/"):
            by_title.setdefault(d["title"], []).append(d["file"])
    return by_title


def short_answers(answers):
    """The rule of the later sets: at most three answer strings, each of 15-40 characters."""
    problems = ["more than 3 answers"] if len(answers) > 3 else []
    return problems + [f"answer {a!r} is not 15-40 characters" for a in answers if len(fold(a)) < 15 or len(a) > 40]


def check(name: str, id_prefix: str, earlier: tuple[str, ...],
          answer_problems: Callable[[list[str]], list[str]], max_per_site: int | None = None,
          sites_of: tuple[str, ...] | None = None, retrieved: str = RETRIEVED) -> int:
    """Print the set's counts and every problem found; 1 when there is one.

    No page or question of ``earlier`` may come again, nor a site of ``sites_of`` (default: of
    ``earlier``). A development set may share sites with other development sets, never with held-out ones.
    Every row must have been read on the day ``retrieved``.
    """
    rows = read_rows(name)
    before = [row for other in earlier for row in read_rows(other)]
    old_sources = {r["source"] for r in before}
    old_hosts = {host(r) for other in (earlier if sites_of is None else sites_of) for r in read_rows(other)}
    old_qs = {fold(r["q"]) for r in before}
    by_title = policy_files_by_title()
    problems = []
    seen_ids, seen_qs = set(), set()
    for n, r in enumerate(rows, 1):
        where = r.get("id", f"line {n}")
        missing = [f for f in FIELDS if f not in r]
        if missing:
            problems.append(f"{where}: missing {missing}")
            continue
        if r["id"] != f"{id_prefix}{n:03d}" or r["id"] in seen_ids:
            problems.append(f"{where}: id out of sequence")
        seen_ids.add(r["id"])
        if r["kind"] not in KINDS:
            problems.append(f"{where}: kind {r['kind']}")
        if r["retrieved"] != retrieved:
            problems.append(f"{where}: retrieved")
        if r["source"] in old_sources or host(r) in old_hosts:
            problems.append(f"{where}: page or site already used")
        if fold(r["q"]) in old_qs or fold(r["q"]) in seen_qs:
            problems.append(f"{where}: question repeats one already collected")
        seen_qs.add(fold(r["q"]))
        if not r["answerable"]:
            if r["answers"]:
                problems.append(f"{where}: unanswerable row with answers")
            continue
        if not r["answers"] or not r["doc"] or not r["article"]:
            problems.append(f"{where}: answerable row needs answers, doc and article")
            continue
        files = [PINNED[r["doc"]]] if r["doc"] in PINNED else by_title.get(r["doc"], [])
        if len(files) != 1:
            problems.append(f"{where}: doc {r['doc']} names {len(files)} corpus files")
            continue
        text = (ROOT / "corpus" / files[0]).read_text(encoding="utf-8")
        problems += [f"{where}: {p}" for p in answer_problems(r["answers"])]
        art = articles(text).get(r["article"], "")
        for k, ans in enumerate(r["answers"]):
            if fold(ans) not in fold(text) and k == 0:
                problems.append(f"{where}: answer not in {files[0]}")
            elif k == 0 and fold(ans) not in fold(art):
                problems.append(f"{where}: answer not inside {r['article']}")
            elif k > 0 and not any(fold(ans) in fold((ROOT / "corpus" / p).read_text(encoding="utf-8"))
                                   for ps in by_title.values() for p in ps):
                problems.append(f"{where}: answer {k + 1} is in no bundled document")
    per_host = {}
    for r in rows:
        per_host[host(r)] = per_host.get(host(r), 0) + 1
    if max_per_site is not None:
        problems += [f"{h}: {n} questions from one site (at most {max_per_site})"
                     for h, n in per_host.items() if n > max_per_site]
    kinds = {}
    for r in rows:
        kinds.setdefault(r["kind"], [0, 0])
        kinds[r["kind"]][0] += 1
        kinds[r["kind"]][1] += bool(r["answerable"])
    print(f"{len(rows)} rows, {sum(r['answerable'] for r in rows)} answerable, {len(per_host)} sites")
    for k in sorted(kinds):
        print(f"  {k}: {kinds[k][0]} ({kinds[k][1]} answerable)")
    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


HELDOUT = ("heldout.jsonl", "heldout2.jsonl", "heldout3.jsonl", "heldout4.jsonl", "heldout5.jsonl",
           "heldout6.jsonl")
# In the order they were collected.
DEVELOPMENT = ("questions.jsonl", "dev2.jsonl", "dev3.jsonl", "dev4.jsonl", "dev5.jsonl", "dev6.jsonl",
               "dev7.jsonl", "dev8.jsonl", "dev9.jsonl", "dev10.jsonl", "dev11.jsonl", "dev12.jsonl",
               "dev13.jsonl", "dev14.jsonl", "dev15.jsonl")


def check_later_development_set(name: str, id_prefix: str) -> int:
    """The rule since dev11: stored pages on sites no set has used are nearly mined out (dev10 found
    nine questions in an hour), so a development set may take questions from sites of earlier
    development sets; never from a site of a held-out set, the measure on sites search was not tuned
    on. No page or question of an earlier set comes again."""
    earlier = DEVELOPMENT[:DEVELOPMENT.index(name)] + HELDOUT
    return check(name, id_prefix, earlier, short_answers, max_per_site=4, sites_of=HELDOUT)
