"""Run the command line as `python -m hubgen`."""

from hubgen.cli import main

main()
