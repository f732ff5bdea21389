#!/usr/bin/env python
import os
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # A checkout with no configuration at all (no DEBUG, no SECRET_KEY, no .env) is a developer's:
    # manage.py check / makemigrations / runserver work there as under `make run`. A server
    # always sets SECRET_KEY (deploy/qingfeng.env.example), so it never takes this path, and
    # gunicorn does not go through manage.py.
    configured = {"DEBUG", "SECRET_KEY"} & os.environ.keys()
    if not configured and not (Path(__file__).resolve().parent / ".env").exists():
        os.environ["DEBUG"] = "true"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
