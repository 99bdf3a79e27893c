"""`python -m movibot`: the command line, for environments where `movibot` is not on PATH."""

from movibot.cli import main

main()
