"""`python -m kscity.cli` runs the kscity command."""

from kscity.cli.start import main

if __name__ == "__main__":  # not when a spawned worker process imports this module as its parent's main
    main()
