"""Loading the fixture-building scripts that live beside their data under tests/data/."""
from __future__ import annotations

import importlib.util
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
