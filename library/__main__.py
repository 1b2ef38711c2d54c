"""`python -m library`: editors' accounts (`users add|list|remove|reset`), sending the mail
outbox once (`send-mail`), and backing up or restoring the sharing data (`backup`, `restore`).

Passwords are read from standard input (one line; asked for twice, unseen, at a terminal).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path


def _password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise SystemExit("The two passwords differ; nothing was changed.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m library")
    commands = parser.add_subparsers(dest="command", required=True)
    users = commands.add_parser("users", help="editor accounts").add_subparsers(
        dest="action", required=True
    )
    add = users.add_parser("add", help="add an editor; the password comes on standard input")
    add.add_argument("name")
    add.add_argument("--email", default="", help="told of new and corrected submissions")
    add.add_argument("--language", default="", help="of those e-mails (an interface language)")
    users.add_parser("list", help="the editors, with their e-mail addresses")
    remove = users.add_parser("remove", help="delete an editor (their sessions end)")
    remove.add_argument("name")
    reset = users.add_parser("reset", help="a new password, from standard input")
    reset.add_argument("name")
    send = commands.add_parser("send-mail", help="send the waiting e-mails once")
    send.add_argument("--all", action="store_true", help="also those waiting for a later try")
    backup = commands.add_parser("backup", help="copy the sharing data into a new folder")
    backup.add_argument("folder", type=Path)
    restore = commands.add_parser("restore", help="bring a backup back into LIBRARY_DATA_DIR")
    restore.add_argument("folder", type=Path)
    restore.add_argument("--force", action="store_true", help="replace the data already there")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    from . import create_app
    from .sharing import db

    app = create_app()
    data_dir = Path(app.config["DATA_DIR"])
    run = {"users": _users, "send-mail": _send_mail, "backup": _backup, "restore": _restore}
    try:
        return run[args.command](app, data_dir, args)
    except (OSError, db.Unavailable, *db.Error) as err:
        print(f"Nothing done: {db.describe(data_dir)} cannot be used ({err}).", file=sys.stderr)
        return 1


def _users(app, data_dir: Path, args) -> int:
    from .sharing import auth

    if args.action == "list":
        for editor in auth.editors(data_dir):
            language = f" [{editor.language}]" if editor.language else ""
            print(f"{editor.name}\t{editor.email or '-'}{language}")
        return 0
    language = getattr(args, "language", "")
    if language and language not in app.config["UI_LANGUAGES"]:
        languages = ", ".join(app.config["UI_LANGUAGES"])
        print(f"Not added: --language is one of {languages}.", file=sys.stderr)
        return 2
    try:
        if args.action == "add":
            auth.add_user(data_dir, args.name, _password(), args.email, language)
            print(f"Editor {args.name} can now sign in at /editor/login.")
        elif args.action == "reset":
            auth.reset_password(data_dir, args.name, _password())
            print(f"Editor {args.name} has a new password; their sessions have ended.")
        else:
            auth.remove_user(data_dir, args.name)
            print(f"Editor {args.name} is removed; their sessions have ended.")
    except auth.BadAccount as err:
        print(f"Nothing changed: {err}.", file=sys.stderr)
        return 2
    except auth.UnknownEditor:
        print(
            f"Nothing changed: there is no editor {args.name!r} "
            "(`python -m library users list` shows them).",
            file=sys.stderr,
        )
        return 2
    return 0


def _send_mail(app, data_dir: Path, args) -> int:
    from .sharing import mailer, outbox

    smtp = mailer.settings(app.config)
    if smtp is None:
        print("No e-mail is sent: LIBRARY_SMTP_HOST is not set.", file=sys.stderr)
        return 2
    done = mailer.drain(data_dir, smtp, everything=args.all)
    waiting = outbox.counts(data_dir).get(outbox.PENDING, 0)
    print(
        f"Sent {done.sent} messages through {smtp.host}:{smtp.port}; {done.retried} could not "
        f"be sent now ({waiting} wait for a later try); {done.failed} given up."
    )
    return 1 if done.retried else 0


def _backup(app, data_dir: Path, args) -> int:
    from .sharing import backup

    try:
        summary = backup.backup(data_dir, args.folder)
    except backup.BackupError as err:
        print(f"No backup: {err}.", file=sys.stderr)
        return 2
    print(summary.line("Backed up", args.folder))
    return 0


def _restore(app, data_dir: Path, args) -> int:
    from .sharing import backup

    try:
        summary = backup.restore(args.folder, data_dir, force=args.force)
    except backup.BackupError as err:
        print(f"Nothing restored: {err}.", file=sys.stderr)
        return 2
    print(summary.line("Restored", data_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
