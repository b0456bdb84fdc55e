"""views.*: modals (with their stack) and Home tabs.

Also `apply_response_action`, which is what Slack does with the app's answer to a
view_submission: close, show errors, update, push or clear.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Mapping
from typing import Any

from emulator.blockkit import validate_view
from emulator.methods.registry import method
from emulator.params import Params
from emulator.workspace import SlackError, Workspace, invalid_arguments

MAX_STACK = 3  # Slack lets a modal stack hold three views


def use_trigger(ws: Workspace, trigger_id: str | None) -> str | None:
    """Spend a trigger_id: unknown, already used or older than the TTL are refused.

    Returns the user the trigger was issued for (the modal belongs to them).
    """
    if not trigger_id:
        raise invalid_arguments("missing required field: trigger_id")
    trigger = ws.triggers.get(trigger_id)
    if trigger is None:
        raise SlackError("invalid_trigger_id")
    if trigger.used:
        raise SlackError("exchanged_trigger_id")
    if ws.monotonic() - trigger.issued_at > ws.trigger_ttl:
        raise SlackError("expired_trigger_id")
    trigger.used = True
    return trigger.user_id


def read_view(p: Params, *, kind: str) -> dict[str, Any]:
    view = p.document("view")
    if view is None:
        raise invalid_arguments("missing required field: view")
    return checked_view(view, kind=kind)


def checked_view(view: Any, *, kind: str) -> dict[str, Any]:
    errors = validate_view(view)
    if not errors and view.get("type") != kind:
        errors = [f"must be a valid enum value ({kind}) [json-pointer:/view/type]"]
    if errors:
        raise invalid_arguments(*errors)
    return dict(view)


def _new_hash(ws: Workspace) -> str:
    return f"{int(ws.clock())}.{secrets.token_hex(4)}"


def _check_external_id(ws: Workspace, view: Mapping[str, Any], own_id: str | None = None) -> None:
    external_id = view.get("external_id")
    if external_id:
        existing = ws.view_by_external_id(external_id)
        if existing is not None and existing["id"] != own_id:
            raise SlackError("duplicate_external_id")


def _store(ws: Workspace, full: dict[str, Any], user_id: str | None) -> dict[str, Any]:
    ws.views[full["id"]] = full
    ws.view_owner[full["id"]] = user_id
    return {"ok": True, "view": copy.deepcopy(full)}


@method("views.open")
def open_view(ws: Workspace, p: Params) -> dict[str, Any]:
    view = read_view(p, kind="modal")
    _check_external_id(ws, view)
    user_id = use_trigger(ws, p.text("trigger_id"))
    full = ws.new_view(view)
    ws.modal_stacks[user_id] = [full["id"]]
    return _store(ws, full, user_id)


@method("views.push")
def push(ws: Workspace, p: Params) -> dict[str, Any]:
    view = read_view(p, kind="modal")
    _check_external_id(ws, view)
    user_id = use_trigger(ws, p.text("trigger_id"))
    return push_onto_stack(ws, user_id, view)


def push_onto_stack(ws: Workspace, user_id: str | None, view: dict[str, Any]) -> dict[str, Any]:
    stack = ws.modal_stacks.setdefault(user_id, [])
    if len(stack) >= MAX_STACK:
        raise SlackError("push_limit_reached")
    full = ws.new_view(view)
    if stack:
        full["previous_view_id"] = stack[-1]
        full["root_view_id"] = stack[0]
    stack.append(full["id"])
    return _store(ws, full, user_id)


@method("views.update")
def update(ws: Workspace, p: Params) -> dict[str, Any]:
    view_id, external_id = p.text("view_id"), p.text("external_id")
    if not view_id and not external_id:
        raise invalid_arguments("missing required field: view_id or external_id")
    existing = ws.views.get(view_id) if view_id else ws.view_by_external_id(external_id or "")
    if existing is None:
        raise SlackError("not_found")
    view = read_view(p, kind=existing["type"])
    expected_hash = p.text("hash")
    if expected_hash and expected_hash != existing["hash"]:
        raise SlackError("hash_conflict")
    _check_external_id(ws, view, own_id=existing["id"])
    return _store(ws, replace_view(ws, existing, view), ws.view_owner.get(existing["id"]))


def replace_view(ws: Workspace, existing: dict[str, Any], view: dict[str, Any]) -> dict[str, Any]:
    """New content in an existing view: same id and place in the stack, new hash."""
    full = ws.new_view(view, view_id=existing["id"])
    full["root_view_id"] = existing["root_view_id"]
    full["previous_view_id"] = existing["previous_view_id"]
    if not view.get("external_id"):
        full["external_id"] = existing.get("external_id", "")
    return full


@method("views.publish")
def publish(ws: Workspace, p: Params) -> dict[str, Any]:
    user_id = p.require("user_id")
    if user_id not in ws.users:
        raise SlackError("user_not_found")
    view = read_view(p, kind="home")
    existing_id = ws.home_views.get(user_id)
    expected_hash = p.text("hash")
    if existing_id and expected_hash and expected_hash != ws.views[existing_id]["hash"]:
        raise SlackError("hash_conflict")
    _check_external_id(ws, view, own_id=existing_id)
    full = ws.new_view(view, view_id=existing_id)
    ws.home_views[user_id] = full["id"]
    return _store(ws, full, user_id)


def apply_response_action(ws: Workspace, user_id: str, view_id: str, answer: Any) -> list[str]:
    """Do what Slack does with the app's reply to a view_submission; return problems.

    No reply (or no `response_action`) closes the submitted view. `errors` keeps it open and
    must name input blocks of that view. `update`, `push` and `clear` do what they say. A
    problem (bad view, unknown block id) is what a user would see as "We had some trouble
    connecting", so it is returned and recorded in `warnings` for the test to notice.
    """
    stack = ws.modal_stacks.get(user_id) or []
    action = answer.get("response_action") if isinstance(answer, Mapping) else None
    problems: list[str] = []
    if action is None:
        if view_id in stack:
            del stack[stack.index(view_id) :]
    elif action == "clear":
        stack.clear()
    elif action == "errors":
        problems = _check_errors(ws.views.get(view_id), answer.get("errors"))
    elif action in ("update", "push"):
        try:
            view = checked_view(answer.get("view"), kind="modal")
            if action == "push":
                push_onto_stack(ws, user_id, view)
            elif view_id in ws.views:
                ws.views[view_id] = replace_view(ws, ws.views[view_id], view)
        except SlackError as error:
            problems = [f"response_action {action}: {error.error}", *_messages(error)]
    else:
        problems = [f"unknown response_action: {action}"]
    for problem in problems:
        ws.warn(f"view_submission: {problem}")
    return problems


def _messages(error: SlackError) -> list[str]:
    metadata = error.extra.get("response_metadata") or {}
    return list(metadata.get("messages", []))


def _check_errors(view: dict[str, Any] | None, errors: Any) -> list[str]:
    if not isinstance(errors, Mapping) or not errors:
        return ["response_action errors needs a non-empty `errors` object"]
    inputs = {
        b.get("block_id")
        for b in (view or {}).get("blocks", [])
        if isinstance(b, Mapping) and b.get("type") == "input"
    }
    return [
        f"errors names block_id '{block_id}', which is not an input block of the view"
        for block_id in errors
        if block_id not in inputs
    ]
