"""What one person sees in the playground, read from the emulator: their direct messages with
the bot, the department channels, the App Home tab, the modal on top of their stack and the
ephemeral messages only they can see — plus the clock and who can be chosen.

It is the page's whole state in one JSON document, so the page can poll it and render; the
messages and views are passed on exactly as the emulator stores them (Block Kit), because
rendering them faithfully is the point of the page.
"""

from __future__ import annotations

from typing import Any

from bot.core.formatting import format_datetime
from bot.core.i18n import t
from playground.session import DemoOrg, DemoPerson, PlaygroundSession

BOT_NAME = "Netværksbot"


def describe(org: DemoOrg, person: DemoPerson, language: str) -> str:
    """The person's roles in the demo, so a newcomer can pick who to be."""
    roles: list[str] = []
    for network in org.networks:
        name = network["network"]
        participants = [e.strip() for e in network["participant_emails"].split(";")]
        if network["leader_email"] == person.email:
            roles.append(t(language, "playground.role.leader", network=name))
        if network["reference_leader_email"] == person.email:
            roles.append(t(language, "playground.role.reference", network=name))
        if person.email in participants:
            roles.append(t(language, "playground.role.participant", network=name))
    if any(p.manager_email == person.email for p in org.people):
        roles.insert(0, t(language, "playground.role.manager"))
    if "secretariat" in person.roles:
        roles.insert(0, t(language, "playground.role.secretariat"))
    if not roles:
        roles.append(t(language, "playground.role.employee"))
    return " · ".join(roles)


def _message(message: dict[str, Any], names: dict[str, str], ephemeral: bool) -> dict[str, Any]:
    author_id = str(message.get("user") or "")
    is_bot = bool(message.get("bot_id"))
    return {
        "ts": message["ts"],
        "text": message.get("text") or "",
        "blocks": message.get("blocks") or [],
        "files": [
            {"id": f.get("id"), "name": f.get("name"), "title": f.get("title")}
            for f in message.get("files") or []
        ],
        "author": BOT_NAME if is_bot else names.get(author_id, author_id),
        "bot": is_bot,
        "ephemeral": ephemeral,
        "thread_ts": message.get("thread_ts"),
    }


def _conversation(
    session: PlaygroundSession,
    user_id: str,
    channel_id: str,
    kind: str,
    name: str,
    names: dict[str, str],
) -> dict[str, Any]:
    api = session.api
    messages = [_message(m, names, False) for m in api.messages_in(channel_id)]
    messages += [
        _message(e.message, names, True)
        for e in api.ephemerals_for(user_id)
        if e.channel == channel_id
    ]
    messages.sort(key=lambda m: float(m["ts"]))
    return {"id": channel_id, "kind": kind, "name": name, "messages": messages}


def state_for(session: PlaygroundSession, user_id: str, language: str) -> dict[str, Any]:
    api, org = session.api, session.org
    names = {p.slack_id: p.name for p in org.people}
    names[api.bot_user_id] = BOT_NAME
    now = session.now()
    conversations = [
        _conversation(session, user_id, api.dm_channel_id(user_id), "dm", BOT_NAME, names)
    ]
    for channel in org.channels:
        conversations.append(
            _conversation(session, user_id, channel.channel_id, "channel", channel.name, names)
        )
    stack = api.modal_stack(user_id)
    return {
        "language": language,
        "user": user_id,
        "clock": {
            "iso": now.isoformat(),
            "label": format_datetime(now, language, session.tz),
            "date": now.astimezone(session.zone).date().isoformat(),
            "tz": session.tz,
        },
        "people": [
            {
                "id": p.slack_id,
                "name": p.name,
                "department": p.department,
                "description": describe(org, p, language),
            }
            for p in org.people
        ],
        "users": names,
        "channels": {c.channel_id: c.name for c in org.channels},
        "conversations": conversations,
        "home": api.home_view(user_id),
        "modal": stack[-1] if stack else None,
        "modal_depth": len(stack),
        "warnings": api.warnings[-20:] + session.teams.cloud.warnings[-20:],
        "teams": session.teams.state(user_id, names),
    }
