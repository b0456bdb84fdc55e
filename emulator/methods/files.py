"""files.*: the two-step external upload that `WebClient.files_upload_v2` performs.

1. files.getUploadURLExternal hands out an upload URL on this server and a file id.
2. The client POSTs the raw bytes there (`receive_upload`).
3. files.completeUploadExternal names the files and shares them into a conversation.
"""

from __future__ import annotations

import re
from typing import Any

from emulator.methods.common import postable_channel
from emulator.methods.registry import method
from emulator.params import Params
from emulator.records import UploadedFile
from emulator.workspace import SlackError, Workspace, invalid_arguments, random_id

# files.completeUploadExternal refuses anything but an encoded conversation id (no user ids).
CHANNEL_ID = re.compile(r"^[CGDZ][A-Z0-9]{8,}$")


@method("files.getUploadURLExternal")
def get_upload_url(ws: Workspace, p: Params) -> dict[str, Any]:
    filename = p.require("filename")
    length = p.number("length", -1)
    if length < 0:
        raise invalid_arguments("missing required field: length")
    file_id = random_id("F")
    ws.files[file_id] = UploadedFile(id=file_id, name=filename, length=length)
    return {"ok": True, "upload_url": f"{ws.base_url}/upload/{file_id}", "file_id": file_id}


def receive_upload(ws: Workspace, file_id: str, content: bytes) -> bool:
    """Store the bytes POSTed to an upload URL; False if the URL is not one we issued."""
    upload = ws.files.get(file_id)
    if upload is None or upload.completed:
        return False
    if len(content) != upload.length:
        ws.warn(f"upload_length_mismatch:{file_id}:{upload.length}!={len(content)}")
    upload.content = content
    return True


@method("files.completeUploadExternal")
def complete_upload(ws: Workspace, p: Params) -> dict[str, Any]:
    items = p.document("files")
    if not isinstance(items, list) or not items:
        raise invalid_arguments("missing required field: files")
    channel_ids = [c for c in (p.text("channels") or "").split(",") if c]
    if p.text("channel_id"):
        channel_ids.insert(0, p.require("channel_id"))
    for channel_id in channel_ids:
        if not CHANNEL_ID.match(channel_id):
            raise invalid_arguments(
                f"input must match regex pattern: {CHANNEL_ID.pattern} [json-pointer:/channel_id]"
            )
    channels = [postable_channel(ws, c, allow_user=False) for c in channel_ids]
    uploads: list[UploadedFile] = []
    for item in items:
        upload = ws.files.get(item.get("id", "")) if isinstance(item, dict) else None
        if upload is None or upload.content is None or upload.completed:
            raise SlackError("file_not_found")
        uploads.append(upload)
    for upload, item in zip(uploads, items, strict=True):
        upload.title = item.get("title") or upload.name
        upload.completed = True
        upload.channel_id = channels[0].id if channels else None
        upload.initial_comment = p.text("initial_comment")
        upload.thread_ts = p.text("thread_ts")
    for channel in channels:
        message = ws.bot_message(ws.next_ts())
        message["text"] = p.text("initial_comment") or ""
        message["files"] = [u.to_slack() for u in uploads]
        message["upload"] = True
        if p.text("thread_ts"):
            message["thread_ts"] = p.text("thread_ts")
        ws.add_message(channel.id, message)
    return {"ok": True, "files": [{"id": u.id, "title": u.title} for u in uploads]}
