"""The public side of sharing: the "Share your practice" form, its preview, and the private
tracking page where a submitter sees the state and corrects what the editors asked for."""

from __future__ import annotations

import time
from dataclasses import replace

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from indexer.source.markup import to_html

from .. import i18n
from . import csrf, forms, mailer, notices, pending, queue, ratelimit, review, uploads
from .state import client, data_dir, register_handlers, require_available

bp = i18n.prefixed(Blueprint("share", __name__, url_prefix="/<ui>/share"))
HONEYPOT = "website"
STARTED = "started"
STARTED_MAX_AGE = 2 * 24 * 3600


register_handlers(bp)


@bp.before_request
def _limit_size():
    """Set before anything reads the form, so an oversized request is refused with 413."""
    request.max_content_length = uploads.MAX_REQUEST_BYTES
    request.max_form_memory_size = uploads.MAX_FORM_BYTES  # the text fields, Markdown included


bp.before_request(require_available)
bp.before_request(csrf.protect)


def _stamp() -> str:
    return _serializer().dumps(time.time())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="share-form-started")


def _too_quick() -> bool:
    """Sent sooner after the form was shown than a person could fill it (or no stamp)."""
    try:
        started = float(_serializer().loads(request.form.get(STARTED, ""), max_age=STARTED_MAX_AGE))
    except (BadSignature, TypeError, ValueError):
        return True
    return time.time() - started < current_app.config["SHARE_MIN_FILL_SECONDS"]


def render_form(template: str, draft: forms.Draft, status: int = 200, **extra):
    vocab = review.vocabulary()
    ui = i18n.ui_language()
    notes = extra.pop("checked", None) or forms.Checked(None, [])
    context = {
        "draft": draft,
        "checked": notes,
        "choices": forms.choices(vocab, ui),
        "labels": forms.field_labels(),
        "csrf_token": csrf.token(),
        "started": _stamp(),
        "limits": {
            "file_mb": uploads.MAX_FILE_BYTES // (1024 * 1024),
            "total_mb": uploads.MAX_TOTAL_BYTES // (1024 * 1024),
            "files": uploads.MAX_FILES,
        },
        "honeypot": HONEYPOT,
        "upload_form": extra.pop("upload_form", None) or pending.new_token(),
        "pending": extra.pop("pending", ()),
        "removed": extra.pop("removed", ()),  # attachments ticked "remove" before a preview
        "remove_pending": pending.REMOVE_FIELD,
    }
    return render_template(template, **context, **extra), status


def _files() -> list[tuple[str, bytes]]:
    return [
        (f.filename or "attachment", f.read())
        for f in request.files.getlist("attachments")
        if f and f.filename
    ]


def _refused_upload(err: uploads.Refused) -> forms.Note:
    messages = {
        "too-many": _("Too many files (at most %(num)s).", num=uploads.MAX_FILES),
        "too-large": _(
            "“%(name)s” is larger than %(num)s MB.",
            name=err.name,
            num=uploads.MAX_FILE_BYTES // (1024 * 1024),
        ),
        "too-large-total": _(
            "The files together are larger than %(num)s MB.",
            num=uploads.MAX_TOTAL_BYTES // (1024 * 1024),
        ),
        "empty": _("“%(name)s” is empty.", name=err.name),
        "type": _(
            "“%(name)s” is not a PDF, DOCX, ODT, HTML or plain text file (its content was "
            "checked, not its name).",
            name=err.name,
        ),
    }
    return forms.Note("attachments", forms.field_labels()["attachments"], messages[err.reason])


def _read_submission(existing: int = 0, existing_bytes: int = 0):
    """(draft, checked, accepted files) of the posted form."""
    draft = forms.from_form(request.form)
    checked = forms.check(draft, review.vocabulary(), i18n.ui_language())
    try:
        files = uploads.check(_files(), existing, existing_bytes)
    except uploads.Refused as err:
        checked.notes.append(_refused_upload(err))
        checked.resource = None
        files = []
    return draft, checked, files


class Kept:
    """The files this form already holds: pending uploads (kept from an earlier showing, less
    those ticked "remove") and, on the tracking page, the submission's own attachments."""

    def __init__(self, attachments=()):
        pending.clean(data_dir())
        self.token = pending.token_of(request.form)
        pending.drop(data_dir(), self.token, pending.removed_of(request.form))
        self.pending = pending.listing(data_dir(), self.token)
        self.files = [*attachments, *self.pending]

    @property
    def count(self) -> int:
        return len(self.files)

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    def keep(self, files: list[uploads.Upload]) -> None:
        """Files chosen in a form shown again are kept, so nobody chooses them twice."""
        if not files:
            return
        if not ratelimit.allow(data_dir(), "keep", client()):
            abort(429)
        pending.keep(data_dir(), self.token, files)
        self.pending = pending.listing(data_dir(), self.token)

    def shown(self) -> dict:
        return {"upload_form": self.token, "pending": self.pending}


def _read_preview(kept: Kept):
    """A preview (or "Add a row"): the form checked, its new files kept when acceptable."""
    draft, checked, files = _read_submission(kept.count, kept.size)
    kept.keep(files)
    return draft, checked, to_html(draft.body)


@bp.route("", methods=["GET"])
def form():
    return render_form("share/form.html", forms.Draft())


@bp.route("", methods=["POST"])
def submit():
    if request.form.get(HONEYPOT):
        abort(400, description="spam")
    if request.form.get("action") == "preview":
        if not ratelimit.allow(data_dir(), "preview", client()):
            abort(429)
        kept = Kept()
        draft, checked, preview = _read_preview(kept)
        return render_form(
            "share/form.html", draft, checked=checked, preview=preview, **kept.shown()
        )
    if not ratelimit.allow(data_dir(), "submit", client()):
        abort(429)
    kept = Kept()
    draft, checked, files = _read_submission(kept.count, kept.size)
    if _too_quick():
        note = forms.Note("", "", _("Please check the form once more and send it again."))
        checked.notes.insert(0, note)
        checked.resource = None
    if not checked.ok:
        kept.keep(files)
        return render_form("share/form.html", draft, 422, checked=checked, **kept.shown())
    ui, token = i18n.ui_language(), queue.new_token()
    title, email = str(draft.fields.get("title") or ""), draft.contact.get("email") or ""
    about = notices.About(0, token, ui, title, email)

    def after(conn, submission_id: int, _token: str) -> None:
        pending.adopt(conn, kept.token, submission_id)
        notices.write(conn, notices.RECEIVED, replace(about, id=submission_id))

    queue.submit(
        data_dir(), ui, draft.fields, draft.body, draft.contact, files, token=token, after=after
    )
    mailer.poke()
    return redirect(url_for("share.track", token=token), 303)


@bp.route("/preview", methods=["POST"])
def preview():
    """The Markdown text as sanitised HTML, for share.js's live preview."""
    if not ratelimit.allow(data_dir(), "preview", client()):
        abort(429)
    body = str(request.form.get("body", ""))[: forms.MAX_BODY_CHARS]
    return jsonify({"html": to_html(body)})


def _submission(token: str) -> queue.Submission:
    sub = queue.by_token(data_dir(), token)
    if sub is None:
        abort(404)
    return sub


@bp.route("/<token>", methods=["GET"])
def track(token: str):
    sub = _submission(token)
    return render_form(
        "share/track.html", review.draft_of(sub), sub=sub, published_id=_published_id(sub)
    )


def _published_id(sub: queue.Submission) -> str:
    path = sub.published_path
    if not path:
        return ""
    stem = path[: -len(".md")] if path.endswith(".md") else path
    parts = stem.rsplit(".", 1)
    return parts[0] if len(parts) == 2 and "/" not in parts[1] else stem


@bp.route("/<token>", methods=["POST"])
def correct(token: str):
    """The submitter's corrected version, accepted only while changes are requested."""
    sub = _submission(token)
    if sub.state != queue.CHANGES_REQUESTED:
        abort(409)
    remove = {int(v) for v in request.form.getlist("remove") if v.isdigit()}
    kept = Kept([a for a in sub.attachments if a.id not in remove])
    if request.form.get("action") == "preview":
        draft, checked, preview = _read_preview(kept)
        shown = kept.shown() | {"removed": remove}
        return render_form(
            "share/track.html", draft, checked=checked, sub=sub, preview=preview, **shown
        )
    draft, checked, files = _read_submission(kept.count, kept.size)
    if not checked.ok:
        kept.keep(files)
        shown = kept.shown() | {"removed": remove}
        return render_form("share/track.html", draft, 422, checked=checked, sub=sub, **shown)
    change = {
        "fields": draft.fields,
        "body": draft.body,
        "contact": draft.contact,
        "state": queue.RECEIVED,
        "files": files,
        "remove": sorted(remove),
    }
    about = notices.of(sub)

    def after(conn) -> None:
        pending.adopt(conn, kept.token, sub.id)
        notices.write(conn, notices.CORRECTED, about)

    queue.update(data_dir(), sub, change, "resubmitted", queue.SUBMITTER, after=after)
    mailer.poke()
    return redirect(url_for("share.track", token=token), 303)
