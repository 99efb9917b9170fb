"""Entry point for `python -m c3p_docs` and the `c3p-docs` script: stop signals are caught before the CLI loads."""

import sys

from c3p_docs import console, i18n


def run() -> None:
    console.install()  # a Ctrl-C or SIGTERM while the libraries load is answered like one during a command
    try:
        i18n.choose(sys.argv[1:])  # before the CLI loads: its --help texts are read in the message language
        from c3p_docs.cli import main
    except KeyboardInterrupt:
        console.leave_stopped(sys.argv[1:])
    main()


if __name__ == "__main__":
    run()
