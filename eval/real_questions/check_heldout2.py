"""Plain check of heldout2.jsonl: row format, labels against the corpus text, no reuse of pages.

Runs without pbdocs (labels must not be shaped by the search code):
    python3 eval/real_questions/check_heldout2.py
"""
import json
import re
import sys
import unicodedata
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FIELDS = ["id", "q", "answers", "kind", "answerable", "doc", "article", "source", "retrieved"]
KINDS = {"definition", "amount", "frequency", "authority", "conditions", "prohibition", "permission", "other"}
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


def doc_files():
    manifest = json.loads((ROOT / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    docs = manifest["documents"] if isinstance(manifest, dict) else manifest
    by_title = {}
    for d in docs:
        if d["file"].startswith("policies/"):
            title = d["title"]
            if d.get("version") and "（" in (d.get("version") or ""):
                pass
            by_title.setdefault(title, []).append(d["file"])
    return by_title


def main():
    lines = (HERE / "heldout2.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    earlier = []
    for name in ("questions.jsonl", "heldout.jsonl", "dev2.jsonl", "dev3.jsonl"):
        earlier += [json.loads(x) for x in (HERE / name).read_text(encoding="utf-8").splitlines() if x.strip()]
    old_sources = {r["source"] for r in earlier}
    old_hosts = {urllib.parse.urlparse(r["source"]).netloc.removeprefix("www.") for r in earlier}
    old_qs = {fold(r["q"]) for r in earlier}
    by_title = doc_files()
    problems = []
    seen_ids, seen_qs = set(), set()
    for n, r in enumerate(rows, 1):
        where = r.get("id", f"line {n}")
        missing = [f for f in FIELDS if f not in r]
        if missing:
            problems.append(f"{where}: missing {missing}")
            continue
        if r["id"] != f"h2q{n:03d}" or r["id"] in seen_ids:
            problems.append(f"{where}: id out of sequence")
        seen_ids.add(r["id"])
        if r["kind"] not in KINDS:
            problems.append(f"{where}: kind {r['kind']}")
        if r["retrieved"] != "2026-12-07":
            problems.append(f"{where}: retrieved")
        if r["source"] in old_sources or urllib.parse.urlparse(r["source"]).netloc.removeprefix("www.") in old_hosts:
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
        if len(r["answers"]) > 3:
            problems.append(f"{where}: more than 3 answers")
        for ans in r["answers"]:
            if len(fold(ans)) < 15 or len(ans) > 40:
                problems.append(f"{where}: answer {ans!r} is not 15-40 characters")
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
        host = urllib.parse.urlparse(r["source"]).netloc.removeprefix("www.")
        per_host[host] = per_host.get(host, 0) + 1
    problems += [f"{h}: {n} questions from one site (at most 4)" for h, n in per_host.items() if n > 4]
    hosts = set(per_host)
    kinds = {}
    for r in rows:
        kinds.setdefault(r["kind"], [0, 0])
        kinds[r["kind"]][0] += 1
        kinds[r["kind"]][1] += bool(r["answerable"])
    print(f"{len(rows)} rows, {sum(r['answerable'] for r in rows)} answerable, {len(hosts)} sites")
    for k in sorted(kinds):
        print(f"  {k}: {kinds[k][0]} ({kinds[k][1]} answerable)")
    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
