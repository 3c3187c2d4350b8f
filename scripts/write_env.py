"""Write the demo's local environment file (`.env` by default) unless it exists: a generated secret key and the
settings under which `make run` serves the demo as production does (DEBUG off) on plain HTTP at 127.0.0.1.

iso_portal/settings.py reads the file, so manage.py, the web server, the Celery worker and beat all see the same
values in any new shell; variables set in the environment win over it. Standard library only: it runs before the
settings can load.

    python scripts/write_env.py [PATH] [--port N]
"""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def demo_environment(port: int = 8000) -> str:
    return "\n".join(
        [
            "# The demo's local settings, written once by scripts/write_env.py (make run). Read by manage.py, the web",
            "# server, the Celery worker and beat; a variable exported in the shell wins over this file.",
            "# Delete the file to have a new one (and a new secret key) written.",
            "DEBUG=0",
            "DEMO=1",
            f"SECRET_KEY={secrets.token_urlsafe(50)}",
            "ALLOWED_HOSTS=127.0.0.1,localhost",
            f"SITE_URL=http://127.0.0.1:{port}",
            "# Served on plain HTTP on this machine: no redirect to HTTPS, no HSTS, cookies without the Secure flag.",
            "SECURE_SSL_REDIRECT=0",
            "SECURE_HSTS_SECONDS=0",
            "SECURE_COOKIES=0",
            "# E-mails are written as files under sent_emails/ instead of being sent.",
            "EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend",
            "",
        ]
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(ROOT / ".env"))
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    path = Path(args.path)
    if path.exists():
        print(f"{path}: kept as it is")
        return 0
    path.write_text(demo_environment(args.port), encoding="utf-8")
    path.chmod(0o600)
    print(f"{path}: written (a new secret key, DEBUG off, e-mails to sent_emails/)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
