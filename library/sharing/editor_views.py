"""The editors' side: sign in, the queue, one submission as its resource page will look with
the validator's findings and possible duplicates, and the actions: edit, ask for changes,
decline, publish. Every action is written to the audit trail with who and when."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from indexer.source.markup import to_html

from .. import i18n
from ..pages.views import citation
from . import auth, csrf, forms, mailer, notices, publish, queue, ratelimit, review, uploads
from .share_views import render_form
from .state import client, data_dir, register_handlers, require_available

bp = Blueprint("editor", __name__, url_prefix="/editor")
MAX_MESSAGE = 4000


@bp.before_request
def _language_and_guard():
    g.ui_language = i18n.best_language()
    if request.endpoint not in ("editor.login", "editor.login_form") and auth.current() is None:
        if request.method not in ("GET", "HEAD"):
            abort(401)  # before the form is even read


register_handlers(bp)
bp.before_request(require_available)
bp.before_request(csrf.protect)


@bp.context_processor
def _editor_context() -> dict:
    return {"editor": auth.current()}


@bp.route("/login", methods=["GET"])
def login_form():
    if auth.current():
        return redirect(url_for("editor.queue"), 303)
    return _login_page()


def _login_page(status: int = 200, failed: bool = False):
    return render_template(
        "editor/login.html",
        csrf_token=csrf.token(),
        failed=failed,
        next=request.values.get("next", ""),
    ), status


@bp.route("/login", methods=["POST"])
def login():
    if not ratelimit.allow(data_dir(), "login", client()):
        abort(429)
    name = request.form.get("name", "").strip()
    password = request.form.get("password", "")
    if not (name and password and auth.check(data_dir(), name, password)):
        return _login_page(401, failed=True)
    auth.sign_in(name)
    csrf.token()
    return redirect(auth.safe_next(request.form.get("next")), 303)


@bp.route("/logout", methods=["POST"])
@auth.required
def logout():
    auth.sign_out()
    return redirect(url_for("editor.login_form"), 303)


@bp.route("/", endpoint="queue")
@auth.required
def queue_page():
    show_all = request.args.get("state") == "all"
    states = queue.STATES if show_all else queue.OPEN_STATES
    return render_template(
        "editor/queue.html",
        submissions=queue.listing(data_dir(), states),
        show_all=show_all,
        csrf_token=csrf.token(),
    )


def _submission(submission_id: int) -> queue.Submission:
    sub = queue.by_id(data_dir(), submission_id)
    if sub is None:
        abort(404)
    return sub


@bp.route("/submissions/<int:submission_id>")
@auth.required
def submission(submission_id: int, status: int = 200, problem: str = ""):
    sub = _submission(submission_id)
    checked = review.checked(sub)
    doc = review.as_document(checked.resource, sub) if checked.resource else None
    return render_template(
        "editor/submission.html",
        sub=sub,
        checked=checked,
        doc=doc,
        body=doc.html if doc else "",
        related=[],
        citation=_citation(doc),
        similar=review.similar(sub.title),
        labels=forms.field_labels(),
        csrf_token=csrf.token(),
        problem=problem,
    ), status


def _citation(doc) -> str:
    if doc is None:
        return ""
    return citation(doc, url_for("pages.resource", doc_id=doc.id, _external=True))


@bp.route("/submissions/<int:submission_id>/files/<int:attachment_id>")
@auth.required
def attachment(submission_id: int, attachment_id: int):
    sub = _submission(submission_id)
    found = next((a for a in sub.attachments if a.id == attachment_id), None)
    if found is None:
        abort(404)
    path = uploads.path_of(data_dir(), found.stored)
    return send_file(
        path,
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=found.name,
    )


@bp.route("/submissions/<int:submission_id>/edit", methods=["GET"])
@auth.required
def edit_form(submission_id: int):
    sub = _submission(submission_id)
    return render_form("editor/edit.html", review.draft_of(sub), sub=sub, slug=sub.slug)


@bp.route("/submissions/<int:submission_id>/edit", methods=["POST"])
@auth.required
def edit(submission_id: int):
    sub = _submission(submission_id)
    _open_or_409(sub)
    draft = forms.from_form(request.form)
    slug = request.form.get("slug", "").strip()
    checked = forms.check(draft, review.vocabulary(), i18n.ui_language())
    if request.form.get("action") == "preview":
        preview = to_html(draft.body)
        return render_form(
            "editor/edit.html", draft, checked=checked, sub=sub, slug=slug, preview=preview
        )
    if slug:
        try:
            publish.check_slug(slug)
        except publish.UnsafePath:
            note = forms.Note(
                "slug",
                forms.field_labels()["slug"],
                _("Use only lower-case letters a-z, digits and hyphens."),
            )
            checked.notes.append(note)
            checked.resource = None
    if not checked.ok:
        return render_form("editor/edit.html", draft, 422, checked=checked, sub=sub, slug=slug)
    change = {"fields": draft.fields, "body": draft.body, "contact": draft.contact, "slug": slug}
    queue.update(data_dir(), sub, change, "edited", auth.current())
    return redirect(url_for("editor.submission", submission_id=sub.id), 303)


def _notice(event: str, about: notices.About):
    """The outbox rows of an action, written in the action's own transaction."""
    return lambda conn: notices.write(conn, event, about)


def _open_or_409(sub: queue.Submission) -> None:
    if sub.state not in queue.OPEN_STATES:
        abort(409)


def _message() -> str:
    return request.form.get("message", "").strip()[:MAX_MESSAGE]


@bp.route("/submissions/<int:submission_id>/request-changes", methods=["POST"])
@auth.required
def request_changes(submission_id: int):
    sub = _submission(submission_id)
    _open_or_409(sub)
    message = _message()
    if not message:
        return submission(sub.id, 422, "message")
    change = {"state": queue.CHANGES_REQUESTED, "message": message}
    queue.update(
        data_dir(), sub, change, "changes requested", auth.current(), message,
        after=_notice(notices.CHANGES_REQUESTED, notices.of(sub, note=message)),
    )  # fmt: skip
    mailer.poke()
    return redirect(url_for("editor.submission", submission_id=sub.id), 303)


@bp.route("/submissions/<int:submission_id>/decline", methods=["POST"])
@auth.required
def decline(submission_id: int):
    sub = _submission(submission_id)
    _open_or_409(sub)
    message = _message()
    if not message:
        return submission(sub.id, 422, "reason")
    queue.update(
        data_dir(),
        sub,
        {"state": queue.DECLINED, "message": message},
        "declined",
        auth.current(),
        message,
        after=_notice(notices.DECLINED, notices.of(sub, note=message)),
    )
    mailer.poke()
    return redirect(url_for("editor.submission", submission_id=sub.id), 303)


@bp.route("/submissions/<int:submission_id>/publish", methods=["POST"])
@auth.required
def publish_submission(submission_id: int):
    sub = _submission(submission_id)
    _open_or_409(sub)
    checked = review.checked(sub)
    if not checked.ok:
        return submission(sub.id, 422, "invalid")
    config = current_app.config
    body = review.public_body(review.draft_of(sub), checked.resource.language)
    try:
        done = publish.write(
            Path(config["CONTENT_DIR"]), data_dir(), sub, checked.resource.language, body
        )
    except publish.UnsafePath:
        return submission(sub.id, 422, "path")
    change = {"state": queue.PUBLISHED, "published_path": done.path, "message": ""}
    change["slug"] = done.resource_id.rsplit("/", 1)[-1]
    address = notices.public_link("pages.resource", ui=sub.ui, doc_id=done.resource_id)
    about = notices.of(sub, address=address)
    queue.update(
        data_dir(), sub, change, "published", auth.current(), done.path,
        after=_notice(notices.PUBLISHED, about),
    )  # fmt: skip
    mailer.poke()
    editor = auth.current()
    publish.commit(Path(config["CONTENT_DIR"]), done, editor, auth.email_of(data_dir(), editor))
    if config["SHARE_BUILD_AFTER_PUBLISH"]:
        publish.start_build(Path(config["CONTENT_DIR"]), Path(config["INDEX_DIR"]))
    return redirect(url_for("editor.submission", submission_id=sub.id), 303)
