"""Regenerate pbdocs/data/common_hanzi.txt: the most frequent Han characters in jieba's dictionary.

The list lets the extractor judge whether decoded or PDF-extracted text is plausible Chinese:
garbage from a wrong codec or a broken ToUnicode map is made mostly of rare characters.
"""
import collections
import pathlib

import jieba

counts: collections.Counter[str] = collections.Counter()
dict_path = pathlib.Path(jieba.__file__).with_name("dict.txt")
for line in dict_path.read_text(encoding="utf-8").splitlines():
    word, freq, *_ = line.split(" ")
    for ch in word:
        if "\u4e00" <= ch <= "\u9fff":
            counts[ch] += int(freq)
top = [ch for ch, _ in counts.most_common(4000)]
out = pathlib.Path(__file__).resolve().parents[1] / "pbdocs" / "data" / "common_hanzi.txt"
out.write_text("".join(top) + "\n", encoding="utf-8")
print(f"wrote {len(top)} characters to {out}")
