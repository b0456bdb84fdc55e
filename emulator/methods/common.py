"""What several methods share: where a message may go and what a valid message is."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from emulator.blockkit import MESSAGE_TEXT_LIMIT, validate_message
from emulator.params import Params
from emulator.records import Channel
from emulator.workspace import SlackError, Workspace, with_generated_ids


def is_user_id(ref: str) -> bool:
    return ref[:1] in ("U", "W")


def postable_channel(ws: Workspace, ref: str | None, *, allow_user: bool = True) -> Channel:
    """The conversation a bot message goes to, with Slack's refusals.

    A user id opens the IM with that user (chat.postMessage does that). Posting to a
    deactivated user's IM *succeeds* on real Slack (slack-sdk issue #1156), so the emulator
    only notes it in `warnings`. A private channel the bot is not in is invisible to it:
    `channel_not_found`, not `not_in_channel`.
    """
    if not ref:
        raise SlackError("channel_not_found")
    if allow_user and is_user_id(ref):
        user = ws.users.get(ref)
        if user is None:
            raise SlackError("channel_not_found")
        if user.deleted:
            ws.warn(f"posted_to_deactivated_user:{ref}")
        return ws.dm_channel(ref)
    channel = ws.find_channel(ref)
    if channel is None or (channel.is_private and not channel.is_im and not channel.bot_is_member):
        raise SlackError("channel_not_found")
    if channel.is_archived:
        raise SlackError("is_archived")
    if not channel.is_im and not channel.bot_is_member:
        raise SlackError("not_in_channel")
    return channel


def readable_channel(ws: Workspace, ref: str | None) -> Channel:
    """A conversation the bot may read (history, info): ids only, no user ids."""
    channel = ws.find_channel(ref) if ref and not is_user_id(ref) else None
    if channel is None or (channel.is_private and not channel.is_im and not channel.bot_is_member):
        raise SlackError("channel_not_found")
    return channel


@dataclass
class Content:
    """The message parts of a request, already checked against Slack's rules."""

    text: str | None = None
    blocks: list[Any] | None = None
    attachments: list[Any] | None = None
    metadata: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)

    def write_into(self, message: dict[str, Any]) -> None:
        if self.text is not None or self.blocks is not None:
            message["text"] = self.text or ""
        if self.blocks is not None:
            message["blocks"] = with_generated_ids(self.blocks)
        if self.attachments is not None:
            message["attachments"] = copy.deepcopy(self.attachments)
        if self.metadata is not None:
            message["metadata"] = copy.deepcopy(self.metadata)


def read_content(ws: Workspace, p: Params, *, require: bool = True) -> Content:
    """Parse and validate text/blocks/attachments/metadata the way chat.postMessage does."""
    blocks = p.document("blocks", error="invalid_blocks_format")
    if blocks is not None and not isinstance(blocks, list):
        raise SlackError("invalid_blocks_format")
    attachments = p.document("attachments", error="invalid_attachments")
    if attachments is not None and not isinstance(attachments, list):
        raise SlackError("invalid_attachments")
    text = p.text("text")
    if require and not text and not blocks and not attachments:
        raise SlackError("no_text")
    if text is not None and len(text) > MESSAGE_TEXT_LIMIT:
        raise SlackError("msg_too_long")
    errors = validate_message({"blocks": blocks})
    if errors:
        raise invalid_blocks(errors)
    content = Content(text=text, blocks=blocks, attachments=attachments)
    content.metadata = read_metadata(p)
    if blocks and not text:
        content.warnings.append("missing_text_in_message")
        ws.warn("missing_text_in_message")
    return content


def invalid_blocks(errors: list[str]) -> SlackError:
    return SlackError(
        "invalid_blocks",
        errors=errors,
        response_metadata={"messages": [f"[ERROR] {e}" for e in errors]},
    )


def read_metadata(p: Params) -> dict[str, Any] | None:
    metadata = p.document("metadata", error="invalid_metadata_format")
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        raise SlackError("invalid_metadata_format")
    if not isinstance(metadata.get("event_type"), str) or not isinstance(
        metadata.get("event_payload"), dict
    ):
        raise SlackError("invalid_metadata_schema")
    return metadata


def with_warnings(body: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """Slack's way of reporting warnings on a successful call."""
    if warnings:
        body["warning"] = ",".join(warnings)
        body["response_metadata"] = {"warnings": list(warnings)}
    return body


def public_message(message: dict[str, Any], *, include_metadata: bool = True) -> dict[str, Any]:
    result = copy.deepcopy(message)
    if not include_metadata:
        result.pop("metadata", None)
    return result
