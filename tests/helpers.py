"""Loading the fixture-building scripts that live beside their data under tests/data/, and the
texts segmentation is checked on."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


def data_module(relative_path: str, name: str):
    """The script ``tests/data/<relative_path>`` as a module, loaded once per process."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, DATA_DIR / relative_path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def segmentation_texts() -> list[str]:
    """The test corpora segmentation must agree with jieba on: the bundled corpus, the text
    fixtures, and every search question."""
    repo = Path(__file__).resolve().parents[1]
    texts = [p.read_text(encoding="utf-8") for p in sorted((repo / "corpus").rglob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((DATA_DIR / "text").rglob("*.txt"))]
    for name in ("lay_questions.jsonl", "lay_questions_heldout.jsonl", "knowledge_questions.jsonl"):
        lines = (DATA_DIR / "search" / name).read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["q"] for line in lines if line.strip()]
    texts += (DATA_DIR / "search" / "offtopic.txt").read_text(encoding="utf-8").split()
    return texts
