"""Response headers that keep contributed content and queries from running script, the site
from being framed, and visitors' addresses and devices to themselves.

The Content-Security-Policy allows script only from this site's static files (never inline);
HSTS is sent only over TLS: when the request itself is secure, or when LIBRARY_TRUSTED_PROXY
is set and the proxy in front says so with `X-Forwarded-Proto: https`. With that setting the
client's address is taken from `X-Forwarded-For` too (werkzeug's ProxyFix, one proxy).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)
PERMISSIONS = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone",
        "payment", "usb", "browsing-topics",
    )
)  # fmt: skip
HSTS = "max-age=31536000; includeSubDomains"
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS,
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    app.config.setdefault("TRUSTED_PROXY", False)
    if app.config["TRUSTED_PROXY"]:
        # Behind the proxy every connection comes from it: take the client's address and
        # scheme from the one X-Forwarded-For / X-Forwarded-Proto value it adds, so per-client
        # limits (sharing, sign-in) count real visitors. Without a proxy the headers are ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    app.after_request(add_headers)


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if over_tls():
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def over_tls() -> bool:
    if request.is_secure:
        return True
    if not current_app.config.get("TRUSTED_PROXY"):
        return False  # anyone can send the header; only a proxy we trust is believed
    forwarded = request.headers.get("X-Forwarded-Proto", "")
    return forwarded.split(",")[0].strip().lower() == "https"
