"""Files as signed, expiring download links, where Teams takes no file from a bot.

A Teams bot can put a file in a 1:1 chat only through the file-consent flow (the person accepts,
then the bot uploads to their OneDrive — a Graph permission this bot does not ask for). So a
calendar invitation or a person's own data is stored here (`downloads`, deleted when it expires
and when the person is erased) and sent as a card with a link to `GET /download/<token>` on the
bot's public address (`NETVAERK_PUBLIC_URL`).

The token is `<id>.<expiry>.<signature>`: a random id (unguessable on its own), the expiry as
Unix seconds, and an HMAC-SHA256 over both keyed from the bot's client secret, so a link cannot
be made for another file or kept alive longer. `serve_download(token)` is what the web server
mounts: it checks the signature in constant time, then the expiry, then finds the file.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlmodel import Session, col, delete, or_, select

from bot.core import ui
from bot.core.chat import DeliveryError, Failure
from bot.core.clock import now
from bot.core.i18n import Translator
from bot.core.settings import Settings
from storage.db import Database
from storage.models import Download, Person, PlatformIdentity

LIFETIME = timedelta(days=7)
_TYPES = {
    ".ics": "text/calendar; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
}


def _content_type(filename: str) -> str:
    for suffix, kind in _TYPES.items():
        if filename.lower().endswith(suffix):
            return kind
    return "application/octet-stream"


def signing_key(secret: str) -> bytes:
    """A key for links only, derived from the bot's secret (never the secret itself)."""
    return hashlib.sha256(b"netvaerk-download:" + secret.encode("utf-8")).digest()


def _signature(key: bytes, file_id: str, expires: int) -> str:
    mac = hmac.new(key, f"{file_id}.{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


Response = tuple[int, Mapping[str, str], bytes]


class Downloads:
    def __init__(
        self,
        db: Database,
        key: bytes,
        public_url: str | None,
        platform: str,
        default_language: str,
    ) -> None:
        self.db = db
        self.key = key
        self.public_url = public_url.rstrip("/") if public_url else None
        self.platform = platform
        self.default_language = default_language

    def store(self, attachment: ui.Attachment, person_id: int | None) -> str:
        """Keep the file until it expires; its signed token. Expired files go at the same time."""
        moment = now()
        expires = moment + LIFETIME
        file_id = secrets.token_hex(16)
        with self.db.session() as session:
            session.exec(delete(Download).where(col(Download.expires_at) < moment))
            session.add(
                Download(
                    id=file_id,
                    person_id=person_id,
                    filename=attachment.filename[:200],
                    content_type=_content_type(attachment.filename),
                    content=attachment.content,
                    created_at=moment,
                    expires_at=expires,
                )
            )
            session.commit()
        stamp = int(expires.timestamp())
        return f"{file_id}.{stamp}.{_signature(self.key, file_id, stamp)}"

    def message_for(self, to: str, attachment: ui.Attachment) -> ui.Message:
        """The card that carries the link, in the person's language."""
        if self.public_url is None:
            raise DeliveryError(Failure.PERMANENT, "no_public_url")
        with self.db.session() as session:
            person = self._person(session, to)
        t = Translator((person.language if person else None) or self.default_language)
        token = self.store(attachment, person.id if person else None)
        url = f"{self.public_url}/download/{quote(token)}"
        text = t("download.text", title=attachment.title)
        return ui.Message(
            text=text,
            parts=(
                ui.Text(text),
                ui.Text(ui.link(url, t("download.link", filename=attachment.filename))),
                ui.Note(t("download.note", days=LIFETIME.days)),
            ),
        )

    def _person(self, session: Session, to: str) -> Person | None:
        """Whose file: by their user id, or by their 1:1 conversation (a file sent after a
        message goes to the conversation the message landed in)."""
        row = session.exec(
            select(PlatformIdentity).where(
                PlatformIdentity.platform == self.platform,
                or_(PlatformIdentity.user_id == to, PlatformIdentity.conversation_id == to),
            )
        ).first()
        return session.get(Person, row.person_id) if row is not None else None

    def serve_download(self, token: str, at: datetime | None = None) -> Response:
        """The answer to `GET /download/<token>`: the file, or 404 for anything else (a wrong
        or expired link says no more than a missing one)."""
        missing: Response = (404, {"Content-Type": "text/plain; charset=utf-8"}, b"Not found")
        parts = token.split(".")
        if len(parts) != 3 or not parts[1].isdigit():
            return missing
        file_id, stamp, signature = parts[0], int(parts[1]), parts[2]
        if not hmac.compare_digest(signature, _signature(self.key, file_id, stamp)):
            return missing
        moment = at or now()
        if moment.timestamp() >= stamp:
            return missing
        with self.db.session() as session:
            found = session.exec(select(Download).where(Download.id == file_id)).first()
            if found is None or found.expires_at <= moment:
                return missing
            headers = {
                "Content-Type": found.content_type,
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}",
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            }
            return 200, headers, bytes(found.content)


def make_downloads(settings: Settings, db: Database) -> Downloads:
    """The download links of this deployment (its Teams secret signs them); the web server
    mounts `make_downloads(settings, db).serve_download` at `GET /download/<token>`."""
    assert settings.teams_client_secret
    return Downloads(
        db,
        signing_key(settings.teams_client_secret),
        settings.netvaerk_public_url,
        "teams",
        settings.netvaerk_language,
    )
