"""Fill the placeholders of the shipped nginx site (names between at signs) and print it:

    python -m library.deploy.render --server-name library.example.org > roma-library

Certificates default to certbot's paths for that name; every value can be given.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE = HERE / "nginx-site.conf"
STATIC = HERE.parent / "static"
PLACEHOLDER = re.compile(r"@([A-Z_]+)@")


def defaults(server_name: str) -> dict[str, str]:
    live = f"/etc/letsencrypt/live/{server_name}"
    return {
        "SERVER_NAME": server_name,
        "HTTP_PORT": "80",
        "HTTPS_PORT": "443",
        "CERTIFICATE": f"{live}/fullchain.pem",
        "CERTIFICATE_KEY": f"{live}/privkey.pem",
        "STATIC": str(STATIC),
        "UPSTREAM": "127.0.0.1:5000",
        "ACME_ROOT": "/var/www/html",  # Debian's default site serves it: certbot --webroot
    }


def render(values: dict[str, str], template: Path = SITE) -> str:
    """The site with every placeholder filled; KeyError names one without a value."""
    text = template.read_text("utf-8")
    missing = sorted(set(PLACEHOLDER.findall(text)) - set(values))
    if missing:
        raise KeyError(f"no value for {', '.join(missing)} in {template}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def main(argv: list[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--server-name", required=True, help="the site's host name")
    for key in ("http-port", "https-port", "certificate", "certificate-key", "static"):
        arguments.add_argument(f"--{key}")
    arguments.add_argument("--upstream", help="address of python app.py (127.0.0.1:PORT)")
    arguments.add_argument("--acme-root", help="folder for certbot's webroot challenges")
    args = arguments.parse_args(argv)
    values = defaults(args.server_name)
    for key, value in vars(args).items():
        if value is not None:
            values[key.upper()] = value
    sys.stdout.write(render(values))
    return 0


if __name__ == "__main__":
    sys.exit(main())
