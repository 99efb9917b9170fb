"""Entry point for `python -m c3p_docs`."""

from c3p_docs.cli import main

main()
