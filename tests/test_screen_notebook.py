"""The screening notebook runs top to bottom and plots what the report says."""
from __future__ import annotations

import base64
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "screening.ipynb"


@pytest.mark.slow
def test_screening_notebook_executes_and_plots_the_report(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    from pbdocs.screen import screen

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    expected = screen([str(NOTEBOOK.parent.parent / "examples" / "charters")], tmp_path / "r.json", workers=1)
    assert expected.summary_line() in text
    for row in expected.rows:
        assert f"{Path(row['path']).name:<28} {row['verdict']:<13}" in text
    images = [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1 and base64.b64decode(images[0]).startswith(b"\x89PNG")
