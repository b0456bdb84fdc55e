"""What people read about results: the form, the preview, the channel post, the digest, the
confirmation to the poster, the recognition nudge. Pure functions of the data and a Translator.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core import actions, ui
from bot.core.i18n import Translator
from bot.showcase.domain import LINK_MAX, TEXT_MAX, TITLE_MAX, ResultInput
from storage.models import Network, Person
from storage.showcase_models import NetworkResult

LINK_SCHEMES = ("https://", "http://")
SOURCE_TEXT_MAX = 2000


def first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def recognised_line(t: Translator, names: Sequence[str]) -> str | None:
    """ "Anerkendt af Lars", "… af Lars og Mette", "… af Lars og 3 andre"."""
    if not names:
        return None
    first = first_name(names[0])
    if len(names) == 1:
        return t("showcase.recognised.one", name=first)
    if len(names) == 2:
        return t("showcase.recognised.two", name=first, other=first_name(names[1]))
    return t("showcase.recognised.many", name=first, count=len(names) - 1)


# --- the form -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormOrigin:
    """Where a result shared from an existing message came from."""

    channel: str | None = None
    ts: str | None = None


def result_form(
    t: Translator,
    networks: Sequence[Network],
    achieved: str | None = None,
    origin: FormOrigin | None = None,
) -> ui.Form:
    options = tuple(ui.Option(str(n.id), n.name) for n in networks)
    metadata = json.dumps({"channel": origin.channel, "ts": origin.ts}) if origin else ""
    return ui.Form(
        callback=actions.RESULT_FORM,
        title=t("showcase.form.title"),
        submit=t("showcase.form.submit"),
        close=t("showcase.form.close"),
        metadata=metadata,
        items=(
            ui.Text(t("showcase.form.intro")),
            ui.Choice(
                "network",
                t("showcase.form.network"),
                options,
                initial=options[0].value if len(options) == 1 else None,
                placeholder=t("showcase.form.network_placeholder"),
            ),
            ui.TextInput("title", t("showcase.form.result_title"), max_length=TITLE_MAX),
            ui.TextInput(
                "achieved",
                t("showcase.form.achieved"),
                multiline=True,
                max_length=TEXT_MAX,
                initial=achieved[:TEXT_MAX] if achieved else None,
            ),
            ui.TextInput(
                "meaning",
                t("showcase.form.meaning"),
                multiline=True,
                max_length=TEXT_MAX,
                hint=t("showcase.form.meaning_hint"),
            ),
            ui.TextInput(
                "link",
                t("showcase.form.link"),
                optional=True,
                max_length=LINK_MAX,
                placeholder="https://…",
            ),
        ),
    )


def read_result_form(
    t: Translator, values: dict[str, str | None], metadata: str
) -> tuple[ResultInput | None, ui.FormErrors]:
    errors = ui.FormErrors()
    network = values.get("network")
    if not network or not network.isdigit():
        errors.add("network", t("showcase.error.network"))
    link = (values.get("link") or "").strip() or None
    if link and (not link.startswith(LINK_SCHEMES) or " " in link):
        errors.add("link", t("showcase.error.link"))
    for name in ("title", "achieved", "meaning"):
        if not values.get(name):
            errors.add(name, t("showcase.error.required"))
    if errors:
        return None, errors
    origin = json.loads(metadata) if metadata else {}
    return (
        ResultInput(
            network_id=int(network or 0),
            title=str(values["title"]),
            achieved=str(values["achieved"]),
            meaning=str(values["meaning"]),
            link=link,
            source_channel=origin.get("channel"),
            source_ts=origin.get("ts"),
        ),
        errors,
    )


# --- the post -------------------------------------------------------------------------------


def result_parts(
    t: Translator, result: NetworkResult, network: Network, poster: Person, role: str
) -> list[ui.Part]:
    who = t(f"showcase.post.role.{role}", name=poster.name, network=network.name)
    parts: list[ui.Part] = [
        ui.Heading(t("showcase.post.heading", title=result.title)),
        ui.Text(
            t(
                "showcase.post.network",
                network=network.name,
                theme=network.theme,
            )
        ),
        ui.Text(t("showcase.post.achieved", text=result.achieved)),
        ui.Text(t("showcase.post.meaning", text=result.meaning)),
        ui.Facts(((t("showcase.post.who"), who),)),
    ]
    if result.link:
        parts.append(ui.Text(t("showcase.post.link", url=result.link)))
    return parts


def result_post(
    t: Translator,
    result: NetworkResult,
    network: Network,
    poster: Person,
    role: str,
    recognised: Sequence[str],
) -> ui.Message:
    """The post in a department channel: network, theme, who did it, what it means; then who
    recognised it and the "Anerkend" button."""
    parts = result_parts(t, result, network, poster, role)
    line = recognised_line(t, recognised)
    notes = [line] if line else []
    notes.append(t("showcase.post.thread"))
    parts.append(ui.Note(" · ".join(notes)))
    parts.append(
        ui.Buttons(
            (ui.Button(t("showcase.button.recognise"), actions.RESULT_RECOGNISE, str(result.id)),),
            id=f"result-{result.id}",
        )
    )
    return ui.Message(
        text=t("showcase.post.text", name=poster.name, network=network.name, title=result.title),
        parts=tuple(parts),
    )


def preview_form(
    t: Translator, result: NetworkResult, network: Network, poster: Person, role: str, where: str
) -> ui.Form:
    parts = result_parts(t, result, network, poster, role)
    return ui.Form(
        callback=actions.RESULT_PREVIEW,
        title=t("showcase.preview.title"),
        submit=t("showcase.preview.submit"),
        close=t("showcase.preview.back"),
        metadata=str(result.id),
        items=(
            ui.Note(t("showcase.preview.intro", where=where)),
            ui.Divider(),
            *parts,
        ),
    )


@dataclass(frozen=True)
class DigestItem:
    result: NetworkResult
    network: Network
    poster: Person
    recognised: tuple[str, ...]


def result_digest(
    t: Translator, items: Sequence[DigestItem], outbox_id: int | None, shown: int | None = None
) -> ui.Message:
    """A department's weekly digest: each result short, with its own "Anerkend"; the first
    `shown` of them (all by default) and a line counting the rest."""
    shown = len(items) if shown is None else shown
    parts: list[ui.Part] = [
        ui.Heading(t("showcase.digest.heading")),
        ui.Text(t("showcase.digest.intro", count=len(items))),
    ]
    for item in items[:shown]:
        line = recognised_line(t, item.recognised)
        text = t(
            "showcase.digest.item",
            title=item.result.title,
            network=item.network.name,
            name=item.poster.name,
            meaning=_short(item.result.meaning, 400),
        )
        if item.result.link:
            text = ui.join("\n", (text, t("showcase.post.link", url=item.result.link)))
        parts += [ui.Divider(), ui.Text(text)]
        if line:
            parts.append(ui.Note(line))
        value = f"{item.result.id}:d{outbox_id}" if outbox_id else str(item.result.id)
        parts.append(
            ui.Buttons(
                (ui.Button(t("showcase.button.recognise"), actions.RESULT_RECOGNISE, value),),
                id=f"digest-result-{item.result.id}",
            )
        )
    if shown < len(items):
        parts.append(ui.Note(t("showcase.digest.more", count=len(items) - shown)))
    return ui.Message(text=t("showcase.digest.text", count=len(items)), parts=tuple(parts))


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- telling the poster ---------------------------------------------------------------------


def shared_confirmation(
    t: Translator,
    result: NetworkResult,
    posted: Sequence[str],
    digest: Sequence[str],
    failed: Sequence[tuple[str, str]],
) -> ui.Message:
    """Where the result went, where it waits for a digest, and where it did not get to."""
    lines = []
    if posted:
        lines.append(t("showcase.shared.posted", where=", ".join(posted)))
    if digest:
        lines.append(t("showcase.shared.digest", where=", ".join(digest)))
    if failed:
        reasons = ui.join(
            "\n",
            (
                t("showcase.shared.failed_line", department=name, reason=t(reason_key(code)))
                for name, code in failed
            ),
        )
        lines.append(t("showcase.shared.failed", lines=reasons))
    if not (posted or digest or failed):
        lines.append(t("showcase.shared.nowhere"))
    lines.append(t("showcase.shared.kept"))
    return ui.Message(
        text=t("showcase.shared.text", title=result.title),
        parts=(
            ui.Heading(t("showcase.shared.heading")),
            ui.Text(ui.join("\n\n", lines)),
            ui.Buttons(
                (
                    ui.Button(
                        t("showcase.button.follow_up"), actions.RESULT_FOLLOW_UP, str(result.id)
                    ),
                ),
                id=f"shared-{result.id}",
            ),
        ),
    )


KNOWN_REASONS = ("no_channel", "not_in_channel", "is_archived", "channel_not_found", "unknown")


def reason_key(code: str) -> str:
    return f"showcase.reason.{code if code in KNOWN_REASONS else 'other'}"


def follow_up_form(t: Translator, result: NetworkResult) -> ui.Form:
    return ui.Form(
        callback=actions.FOLLOW_UP_FORM,
        title=t("showcase.follow_up.title"),
        submit=t("showcase.follow_up.submit"),
        close=t("showcase.form.close"),
        metadata=str(result.id),
        items=(
            ui.Text(t("showcase.follow_up.intro", title=result.title)),
            ui.TextInput("text", t("showcase.follow_up.label"), multiline=True, max_length=2000),
        ),
    )


def follow_up_reply(t: Translator, poster: Person, text: str) -> ui.Message:
    body = t("showcase.follow_up.reply", name=poster.name, text=text)
    return ui.Message(text=body, parts=(ui.Text(body),))


def recognition_nudge(
    t: Translator, result: NetworkResult, network: Network, employee: Person
) -> ui.Message:
    """To the poster's personnel leader (the seed's task 7: "anerkender medarbejderens
    opgaveløsning i netværksarbejdet")."""
    return ui.Message(
        text=t("showcase.nudge.text", employee=employee.name, title=result.title),
        parts=(
            ui.Heading(t("showcase.nudge.heading", employee=first_name(employee.name))),
            ui.Text(
                t(
                    "showcase.nudge.body",
                    employee=employee.name,
                    network=network.name,
                    title=result.title,
                    meaning=_short(result.meaning, 600),
                )
            ),
            ui.Note(t("showcase.nudge.why")),
            ui.Buttons(
                (
                    ui.Button(
                        t("showcase.button.recognise"),
                        actions.RESULT_RECOGNISE,
                        str(result.id),
                        "primary",
                    ),
                ),
                id=f"recognise-nudge-{result.id}",
            ),
        ),
    )


def answered(text: str) -> ui.Message:
    return ui.Message(text=text, parts=(ui.Text(text),))
