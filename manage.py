#!/usr/bin/env python
import os
import sys

# Commands that answer requests from a thread of their own: the database is checked before they start, so it
# being away is one line here rather than a traceback in that thread.
SERVING_COMMANDS = {"runserver"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iso_portal.settings")
    from django.core.management import execute_from_command_line

    from iso_portal.startup import database_or_exit, one_line_errors, settings_or_exit

    # A bad environment value or an unreachable database is the operator's to fix: one line, not a traceback.
    settings_or_exit()
    with one_line_errors():
        if SERVING_COMMANDS.intersection(sys.argv[1:2]) and os.environ.get("RUN_MAIN") != "true":
            database_or_exit()
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
