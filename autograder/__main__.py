import sys

from autograder.cli import main

# Worker processes are spawned and re-import this module as "__mp_main__": only the real
# command-line start may run the command.
if __name__ == "__main__":
    sys.exit(main())
