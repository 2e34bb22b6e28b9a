"""The wheel carries the corpus and its ready-made index, and an installed pbdocs searches it offline
from any folder without building anything."""
from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("pbdocs", "corpus", "pyproject.toml", "setup.py", "MANIFEST.in", "README.md")
CLAUSE_QUESTION = "社会组织章程里必须写进什么党建条款"
CHARITY_QUESTION = "慈善组织每年的慈善活动支出不得低于收入的百分之几"

pytestmark = pytest.mark.slow


def _run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)


def _running_site_dirs() -> list[str]:
    """The site-packages of the interpreter running the tests, where setup.sh put pbdocs' dependencies:
    a virtualenv's own when the tests run inside one (the base interpreter's too if it has them), else
    the system's."""
    dirs = list(site.getsitepackages())
    if site.ENABLE_USER_SITE:
        dirs.append(site.getusersitepackages())
    return [d for d in dirs if Path(d).is_dir()]


def _see_running_packages(python: Path) -> None:
    """Let the venv import what the running interpreter has installed, after its own site-packages.

    ``system_site_packages=True`` would not do: a venv made from inside a virtualenv is based on the
    base interpreter and sees its packages, not the virtualenv's. A .pth line that calls
    ``site.addsitedir`` adds each folder after the venv's own (so pbdocs comes from the wheel) and
    reads the .pth files there too, as their own interpreter would. Written after pip installed the
    wheel, so pip never sees, let alone uninstalls, anything outside the venv."""
    venv_site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).stdout.strip())
    lines = [f"import site; site.addsitedir({folder!r})" for folder in _running_site_dirs()]
    (venv_site / "_pbdocs_test_running_env.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A wheel built from a clean copy of the sources, installed into a fresh venv (dependencies from
    the running interpreter's environment; pbdocs itself only from the wheel)."""
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        else:
            shutil.copy2(REPO / name, src / name)
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                  "-w", str(root / "dist"), str(src)])
    assert built.returncode == 0, built.stderr
    wheel = next((root / "dist").glob("pbdocs-*.whl"))
    venv.create(root / "venv", with_pip=True)
    python = root / "venv" / "bin" / "python"
    done = _run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)])
    assert done.returncode == 0, done.stderr
    _see_running_packages(python)
    home, work = root / "home", root / "work"
    home.mkdir()
    work.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PBDOCS_", "XDG_", "PYTHON")) and k != "VIRTUAL_ENV"}
    env["HOME"] = str(home)
    return {"wheel": wheel, "python": python, "bin": root / "venv" / "bin", "home": home, "work": work, "env": env}


def test_the_wheel_carries_every_corpus_file(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    manifest = json.loads((REPO / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    assert "pbdocs/data/corpus/manifest.json" in names
    for entry in manifest["documents"]:
        assert f"pbdocs/data/corpus/{entry['file']}" in names
    # The index, passage vectors and segmenter's dictionary of the bundled corpus ship too
    # (scripts/build_index.py): 4.5 MB of the wheel's 10 are that dictionary.
    for name in ("meta.json", "passages.jsonl", "vectors.npy", "vectors.json", "prefixdict/prefixdict.json",
                 "prefixdict/words.bin", "prefixdict/words_slots.npy"):
        assert f"pbdocs/data/index/{name}" in names
    assert installed["wheel"].stat().st_size < 12_000_000


def test_installed_search_answers_offline_from_another_folder(installed):
    env, work = installed["env"], installed["work"]
    first = _run([str(installed["bin"] / "pbdocs"), "search", CLAUSE_QUESTION], cwd=work, env=env)
    assert first.returncode == 0, first.stderr
    # The first search builds nothing and writes nothing: the shipped index answers (hybrid, the
    # extra being installed), segmented over the shipped dictionary.
    assert first.stderr == "" and not (installed["home"] / ".cache" / "pbdocs").exists()
    top = first.stdout.split("\n[2]")[0]
    assert "坚持中国共产党的全面领导" in top and "提供必要条件" in top and "民函〔2019〕54号" in top
    again = _run([str(installed["bin"] / "pbdocs"), "search", "--format", "json", CHARITY_QUESTION],
                 cwd=work, env=env)
    assert again.returncode == 0 and again.stderr == ""
    hits = json.loads(again.stdout)["hits"]
    assert hits[0]["citation"].startswith("《慈善法》(2023修正)") and hits[0]["in_force"]
    for hit in hits:
        if hit["doc_id"] == "慈善法_2016":
            assert hit["in_force"] is False and hit["superseded_by"]["citation"] == "《慈善法》(2023修正)"
    assert list(work.iterdir()) == []
    site = Path(_run([str(installed["python"]), "-c", "import pbdocs; print(pbdocs.__file__)"],
                     cwd=work, env=env).stdout.strip()).parent
    assert site.is_relative_to(installed["python"].parents[1])
    # Nothing written into the installed package: its files are the wheel's.
    shipped = {n for n in zipfile.ZipFile(installed["wheel"]).namelist() if n.startswith("pbdocs/")}
    present = {p.relative_to(site.parent).as_posix() for p in site.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert present == shipped


def test_installed_ask_and_web_search_work(installed):
    script = (
        "import json, pbdocs\n"
        "from fastapi.testclient import TestClient\n"
        "from pbdocs.web import create_app\n"
        f"hit = pbdocs.ask({CLAUSE_QUESTION!r}).hits[0]\n"
        "answer = TestClient(create_app()).get('/api/search', params={'q': " + repr(CHARITY_QUESTION) + "})\n"
        "print(json.dumps({'ask': hit.as_dict(), 'status': answer.status_code, 'web': answer.json()}))\n"
    )
    done = _run([str(installed["python"]), "-c", script], cwd=installed["work"], env=installed["env"])
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["ask"]["doc_number"] == "民函〔2019〕54号"
    assert out["status"] == 200 and out["web"]["hits"][0]["citation"].startswith("《慈善法》(2023修正)")
