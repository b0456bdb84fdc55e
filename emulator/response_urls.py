"""What Slack does with a POST to a `response_url` (Bolt's `respond()`).

A response URL works five times within 30 minutes. The body is a message (validated like
chat.postMessage) plus `response_type` ("ephemeral", the default, or "in_channel"),
`replace_original` and `delete_original`; the last two act on the message whose button was
clicked, if the URL came from one.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from emulator.blockkit import validate_message
from emulator.records import Ephemeral, ResponseUrlPost
from emulator.workspace import ResponseTarget, Workspace, with_generated_ids

MAX_USES = 5
TTL_SECONDS = 30 * 60


def issue(
    ws: Workspace, *, channel_id: str | None, user_id: str | None, message_ts: str | None
) -> str:
    response_id = secrets.token_hex(12)
    ws.response_targets[response_id] = ResponseTarget(
        channel_id=channel_id, user_id=user_id, message_ts=message_ts, issued_at=ws.monotonic()
    )
    return f"{ws.base_url}/response/{response_id}"


def receive(ws: Workspace, response_id: str, body: bytes, at: float) -> ResponseUrlPost:
    target = ws.response_targets.get(response_id)

    def record(status: int, errors: list[str], payload: dict[str, Any]) -> ResponseUrlPost:
        return ResponseUrlPost(
            response_id=response_id,
            payload=payload,
            status=status,
            errors=errors,
            at=at,
            channel_id=target.channel_id if target else None,
            user_id=target.user_id if target else None,
        )

    if target is None:
        return record(404, ["no_service"], {})
    try:
        payload = json.loads(body or b"null")
    except ValueError:
        return record(400, ["invalid_payload"], {})
    if not isinstance(payload, dict):
        return record(400, ["invalid_payload"], {})
    target.uses += 1
    if target.uses > MAX_USES or ws.monotonic() - target.issued_at > TTL_SECONDS:
        return record(404, ["expired_url"], payload)
    if payload.get("delete_original"):
        _delete_original(ws, target)
        return record(200, [], payload)
    errors = validate_message(payload)
    if errors:
        return record(400, ["invalid_blocks", *errors], payload)
    if not payload.get("text") and not payload.get("blocks"):
        return record(400, ["no_text"], payload)
    if payload.get("blocks") and not payload.get("text"):
        ws.warn("missing_text_in_message")
    _deliver(ws, target, payload)
    return record(200, [], payload)


def _original(ws: Workspace, target: ResponseTarget) -> dict[str, Any] | None:
    """The message the response URL belongs to: in history, or ephemeral."""
    if not target.channel_id or not target.message_ts:
        return None
    found = ws.find_message(target.channel_id, target.message_ts)
    if found is not None:
        return found
    return next(
        (e.message for e in ws.ephemerals if e.message.get("ts") == target.message_ts), None
    )


def _delete_original(ws: Workspace, target: ResponseTarget) -> None:
    original = _original(ws, target)
    if original is None:
        return
    if target.channel_id and original in ws.messages.get(target.channel_id, []):
        ws.messages[target.channel_id].remove(original)
    ws.ephemerals[:] = [e for e in ws.ephemerals if e.message is not original]


def _deliver(ws: Workspace, target: ResponseTarget, payload: dict[str, Any]) -> None:
    if payload.get("replace_original"):
        original = _original(ws, target)
        if original is not None:
            original["text"] = payload.get("text", "")
            if "blocks" in payload:
                original["blocks"] = with_generated_ids(payload["blocks"])
            else:
                original.pop("blocks", None)
            return
    message = ws.bot_message(ws.next_ts())
    message["text"] = payload.get("text", "")
    if payload.get("blocks") is not None:
        message["blocks"] = with_generated_ids(payload["blocks"])
    if payload.get("thread_ts"):
        message["thread_ts"] = payload["thread_ts"]
    if payload.get("response_type") == "in_channel" and target.channel_id:
        ws.add_message(target.channel_id, message)
    elif target.user_id:
        ws.ephemerals.append(
            Ephemeral(channel=target.channel_id or "", user=target.user_id, message=message)
        )
