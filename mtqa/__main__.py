"""``python -m mtqa``: the same as the ``mtqa`` command."""

from mtqa.cli import main

main()
