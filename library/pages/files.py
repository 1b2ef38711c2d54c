"""Downloads of the files attached to resources: only what the index lists, from the content folder.

The address names the resource, its language and the file's place in its record's list, never
a path: a file is served only when the index lists it for that resource, and only from inside
the content folder. HTML and text files are sent as downloads in a sandbox, never rendered in
the library's origin.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, send_file

from ..search_ext import service

bp = Blueprint("files", __name__)
INLINE = {"pdf"}  # shown by the browser's own viewer; everything else is a download
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "html": "text/html",
    "htm": "text/html",
    "txt": "text/plain",
}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.route("/files/<int:number>/<language>/<path:doc_id>")
def download(number: int, language: str, doc_id: str):
    listed = service().attachment(doc_id, language, number)
    if listed is None:
        abort(404)
    path = _inside_content(listed["path"])
    if path is None or listed["type"] not in MEDIA_TYPES:
        abort(404)
    response = send_file(
        path,
        mimetype=MEDIA_TYPES[listed["type"]],
        as_attachment=listed["type"] not in INLINE,
        download_name=os.path.basename(listed["name"]),
        conditional=True,
        max_age=300,
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _inside_content(relpath: str) -> Path | None:
    """The file at relpath below the content folder, if it is there and really inside it."""
    root = os.path.realpath(current_app.config["CONTENT_DIR"])
    path = os.path.realpath(os.path.join(root, relpath))
    if os.path.commonpath([root, path]) != root or not os.path.isfile(path):
        return None
    return Path(path)
