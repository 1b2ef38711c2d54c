"""What each action tells whom by e-mail, written into the outbox inside the action's own
transaction: the submitter (when they gave an address) in the interface language they used,
the editors who have an address in theirs. Without SMTP settings nothing is written. Links
in the messages start with PUBLIC_URL when it is set, else with the request's own host.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from . import db, mailer, outbox
from .forms import EMAIL_RE

RECEIVED = "received"
CHANGES_REQUESTED = "changes-requested"
PUBLISHED = "published"
DECLINED = "declined"
CORRECTED = "corrected"  # for the editors: the submitter answered a request for changes
TO_SUBMITTER = (RECEIVED, CHANGES_REQUESTED, PUBLISHED, DECLINED)
TO_EDITORS = (RECEIVED, CORRECTED)
SPECIALS = set('<>()[]\\,;:"')


@dataclass(frozen=True)
class About:
    """The submission a notice is about, as far as the message needs it."""

    id: int
    token: str
    ui: str
    title: str
    email: str = ""  # the submitter's, from the contact fields
    note: str = ""  # the editors' message or reason
    address: str = ""  # where the published resource is


def init_app(app: Flask) -> None:
    """Refuse a PUBLIC_URL that cannot start a link, before any message is written with it."""
    public_url(app.config)


def public_url(config) -> str:
    """PUBLIC_URL without its trailing slash ("" when unset); ValueError when it is not an
    absolute http(s) address."""
    value = str(config.get("PUBLIC_URL") or "").strip().rstrip("/")
    parts = urlsplit(value)
    if value and (
        parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment
    ):
        raise ValueError(
            f"LIBRARY_PUBLIC_URL must be the site's address, such as "
            f"https://library.example.org, not {value!r}"
        )
    return value


def public_link(endpoint: str, **values) -> str:
    """The absolute address of a page, for a message read outside the site: on PUBLIC_URL when
    it is set (a request may have come through an internal name or another server), else on
    the request's own host."""
    base = public_url(current_app.config)
    if not base:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)
    root = request.script_root  # a prefix the proxy passed: PUBLIC_URL already carries it
    if root and path.startswith(f"{root}/"):
        path = path[len(root) :]
    return base + path


def of(sub, **extra) -> About:
    """About from a queue.Submission (plus note or address)."""
    email = str((sub.contact or {}).get("email") or "")
    return About(sub.id, sub.token, sub.ui, sub.title, email, **extra)


def enabled() -> bool:
    return mailer.settings(current_app.config) is not None


def write(conn: db.Connection, event: str, about: About) -> None:
    """Add the messages of one event to the outbox (inside the caller's transaction)."""
    if not enabled():
        return
    messages = []
    if event in TO_SUBMITTER and deliverable(about.email):
        messages.append(_for_submitter(event, about))
    if event in TO_EDITORS:
        messages += _for_editors(conn, event, about)
    outbox.enqueue(conn, messages, _domain())


def deliverable(address: str) -> bool:
    """One plain address (the form's check lets through a few characters that would make a
    header name several recipients or none)."""
    return bool(EMAIL_RE.match(address)) and not any(c in SPECIALS for c in address)


def _domain() -> str:
    sender = mailer.settings(current_app.config).sender
    return sender.rsplit("@", 1)[-1] or "library"


def _language(code: str) -> str:
    config = current_app.config
    return code if code in config["UI_LANGUAGES"] else config["DEFAULT_UI_LANGUAGE"]


def _for_submitter(event: str, about: About) -> outbox.Message:
    ui = _language(about.ui)
    with force_locale(ui):
        link = public_link("share.track", ui=ui, token=about.token)
        subject, body = _submitter_text(event, about, link)
        body = f"{body}\n\n-- \n{_footer()}\n"
    return outbox.Message(about.email, subject, body, ui, about.id)


def _submitter_text(event: str, about: About, link: str) -> tuple[str, str]:
    title = about.title
    if event == RECEIVED:
        return _("We received your practice “%(title)s”", title=title), _(
            "Thank you for sharing “%(title)s” with the Roma Inclusion Library. The editors "
            "will read it and may ask you questions before they publish it.\n\nFollow the "
            "review and answer the editors at this private address (keep it: it is the only "
            "way back to your submission):\n%(link)s",
            title=title,
            link=link,
        )
    if event == CHANGES_REQUESTED:
        return _("The editors ask for changes to “%(title)s”", title=title), _(
            "The editors read “%(title)s” and ask you to change it before they publish it:"
            "\n\n%(message)s\n\nCorrect your submission at this private address:\n%(link)s",
            title=title,
            message=about.note,
            link=link,
        )
    if event == PUBLISHED:
        return _("“%(title)s” is published", title=title), _(
            "“%(title)s” is now in the Roma Inclusion Library:\n%(address)s\n\nThank you for "
            "sharing it.",
            title=title,
            address=about.address,
        )
    return _("“%(title)s” was not published", title=title), _(
        "The editors decided not to publish “%(title)s”. Their reason:\n\n%(message)s\n\n"
        "Your submission stays at this private address:\n%(link)s",
        title=title,
        message=about.note,
        link=link,
    )


def _footer() -> str:
    return _("This message was sent by the Roma Inclusion Library; replies are not read.")


def _for_editors(conn: db.Connection, event: str, about: About) -> list[outbox.Message]:
    rows = conn.execute(
        "SELECT email, language FROM editors WHERE email != '' ORDER BY name"
    ).fetchall()
    messages = []
    for email, language in rows:
        if not deliverable(email):
            continue
        ui = _language(language)
        with force_locale(ui):
            link = public_link("editor.submission", submission_id=about.id)
            if event == RECEIVED:
                subject = _("New submission: “%(title)s”", title=about.title)
                body = _(
                    "A practice was shared: “%(title)s”.\n\nReview it: %(link)s",
                    title=about.title,
                    link=link,
                )
            else:
                subject = _("Corrected submission: “%(title)s”", title=about.title)
                body = _(
                    "The submitter sent a corrected version of “%(title)s”.\n\nReview it: %(link)s",
                    title=about.title,
                    link=link,
                )
            body = f"{body}\n\n-- \n{_footer()}\n"
        messages.append(outbox.Message(email, subject, body, ui, about.id))
    return messages
