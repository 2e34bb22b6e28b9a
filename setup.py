"""Build hook: the wheel carries the bundled corpus as package data.

``corpus/`` at the top of the checkout stays the one editable source (pbdocs finds it there when
installed editable); building a wheel copies it to ``pbdocs/data/corpus`` inside the build, so an
installed pbdocs searches it offline from any folder. The sdist carries ``corpus/`` (MANIFEST.in).
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithCorpus(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "pbdocs" / "data" / "corpus"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(ROOT / "corpus", target, ignore=shutil.ignore_patterns(".*"))


setup(cmdclass={"build_py": BuildWithCorpus})
