"""``python -m tokencost``."""

from tokencost.cli import main

main()
