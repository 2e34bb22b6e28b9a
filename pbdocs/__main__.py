"""``python -m pbdocs`` runs the command-line tool, for machines where the script is not on PATH."""
from .cli import main

main()
