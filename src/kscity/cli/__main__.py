"""`python -m kscity.cli` runs the kscity command."""

from kscity.cli.main import main

main()
