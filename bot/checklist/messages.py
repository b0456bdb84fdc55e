"""What a personnel leader reads during a checklist round: one point at a time, the pause, the
summary with its next steps, and the note form. Pure functions of the round's state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.checklist.domain import ANSWERS, POINTS, RoundState, changes, gaps, trend
from bot.core import actions, ui
from bot.core.i18n import Translator

NOTE_FIELD = "note"


@dataclass(frozen=True)
class Step:
    """The next step for one gap: what it is, and the buttons that do it at once."""

    point: int
    buttons: tuple[ui.Button, ...]


def _round_id(state: RoundState) -> int:
    assert state.round.id is not None
    return state.round.id


def point_message(t: Translator, state: RoundState, point: int) -> ui.Message:
    """Point `point` of the round, in the seed's own words, with the answers as buttons."""
    rid = _round_id(state)
    parts: list[ui.Part] = [ui.Heading(t("checklist.round.heading", n=point))]
    if point == 1 and not state.answered:
        parts.append(ui.Text(t("checklist.round.intro")))
    parts += [
        ui.Text(ui.concat(t("checklist.point.lead"), "\n", ui.bold(t(f"checklist.point.{point}")))),
        ui.Text(t("checklist.round.question")),
    ]
    current, note = state.answer_of(point), state.note_of(point)
    if current or note:
        lines = []
        if current:
            lines.append(t("checklist.round.your_answer", answer=t(f"checklist.answer.{current}")))
        if note:
            lines.append(t("checklist.round.your_note", note=note))
        parts.append(ui.Note(ui.join("\n", lines)))
    parts.append(
        ui.Buttons(
            tuple(
                ui.Button(
                    t(f"checklist.answer.{value}"),
                    actions.CHECKLIST_ANSWER,
                    f"{rid}:{point}:{value}",
                    "primary" if value == current else None,
                )
                for value in ANSWERS
            ),
            id=f"checklist-{rid}-{point}-answers",
        )
    )
    more = [ui.Button(t("checklist.round.note"), actions.CHECKLIST_NOTE, f"{rid}:{point}")]
    if point > 1:
        more.append(
            ui.Button(t("checklist.round.back"), actions.CHECKLIST_GOTO, f"{rid}:{point - 1}")
        )
    if current and point < POINTS[-1]:
        more.append(
            ui.Button(t("checklist.round.next"), actions.CHECKLIST_GOTO, f"{rid}:{point + 1}")
        )
    if not state.done:
        more.append(
            ui.Button(t("checklist.round.pause"), actions.CHECKLIST_PAUSE, f"{rid}:{point}")
        )
    parts.append(ui.Buttons(tuple(more), id=f"checklist-{rid}-{point}-more"))
    if point == 1:
        parts.append(ui.Note(t("checklist.round.privacy")))
    return ui.Message(text=t("checklist.round.text", n=point), parts=tuple(parts))


def paused(t: Translator, state: RoundState) -> ui.Message:
    n = state.position or POINTS[-1]
    return ui.Message(
        text=t("checklist.round.paused_text", n=n),
        parts=(
            ui.Text(t("checklist.round.paused", n=n)),
            ui.Buttons(
                (
                    ui.Button(
                        t("checklist.round.resume"),
                        actions.CHECKLIST_RESUME,
                        str(_round_id(state)),
                        "primary",
                    ),
                ),
                id=f"checklist-{_round_id(state)}-paused",
            ),
        ),
    )


def _short(t: Translator, point: int) -> str:
    return f"{point}) {t(f'checklist.short.{point}')}"


def summary(
    t: Translator,
    state: RoundState,
    previous: RoundState | None,
    previous_date: str | None,
    steps: Sequence[Step],
) -> ui.Message:
    """Every answer, the change since the last round, and one next step per gap."""
    found = {c.point: c for c in changes(state, previous)}
    lines = []
    for point in POINTS:
        value = state.answer_of(point) or "skip"
        line = t(
            "checklist.summary.line",
            point=_short(t, point),
            answer=t(f"checklist.answer_short.{value}"),
        )
        change = found.get(point)
        if change is not None:
            line = ui.concat(
                line,
                " ",
                t(
                    "checklist.summary.change",
                    before=t(f"checklist.answer_short.{change.before}"),
                    now=t(f"checklist.answer_short.{change.now}"),
                ),
            )
        note = state.note_of(point)
        if note:
            line = ui.concat(line, "\n", t("checklist.summary.note", note=note))
        lines.append(line)
    parts: list[ui.Part] = [
        ui.Heading(t("checklist.summary.heading")),
        ui.Text(t("checklist.summary.intro")),
        ui.Text(ui.join("\n", lines)),
    ]
    if previous is not None and previous_date is not None:
        up, down = trend(list(found.values()))
        parts.append(
            ui.Text(
                t(
                    "checklist.summary.since",
                    date=previous_date,
                    up=up,
                    down=down,
                    same=len(POINTS) - len(found),
                )
            )
        )
    else:
        parts.append(ui.Note(t("checklist.summary.first")))
    by_point = {step.point: step for step in steps}
    open_points = gaps(state)
    if open_points:
        parts.append(ui.Text(t("checklist.summary.steps")))
        for point in open_points:
            value = state.answer_of(point) or "not_yet"
            parts.append(
                ui.Text(
                    t(
                        "checklist.summary.step_line",
                        point=_short(t, point),
                        answer=t(f"checklist.answer_short.{value}"),
                        step=t(f"checklist.step.{point}"),
                    )
                )
            )
            step = by_point.get(point)
            if step is not None and step.buttons:
                parts.append(
                    ui.Buttons(step.buttons, id=f"checklist-{_round_id(state)}-step-{point}")
                )
    else:
        parts.append(ui.Text(t("checklist.summary.no_steps")))
    parts += [
        ui.Divider(),
        ui.Note(t("checklist.summary.footer")),
        ui.Buttons(
            (
                ui.Button(
                    t("checklist.summary.edit"), actions.CHECKLIST_GOTO, f"{_round_id(state)}:1"
                ),
                ui.Button(t("checklist.summary.theme"), actions.THEME_OPEN, ""),
            ),
            id=f"checklist-{_round_id(state)}-footer",
        ),
        ui.Note(t("checklist.round.privacy")),
    ]
    return ui.Message(text=t("checklist.summary.text"), parts=tuple(parts))


def note_form(
    t: Translator, state: RoundState, point: int, origin: dict[str, str] | None
) -> ui.Form:
    import json

    return ui.Form(
        callback=actions.CHECKLIST_NOTE_FORM,
        title=t("checklist.note_form.title"),
        submit=t("checklist.note_form.submit"),
        close=t("checklist.note_form.close"),
        items=(
            ui.Text(ui.bold(t(f"checklist.point.{point}"))),
            ui.TextInput(
                id=NOTE_FIELD,
                label=t("checklist.note_form.label"),
                optional=True,
                multiline=True,
                initial=state.note_of(point),
                max_length=3000,
                hint=t("checklist.note_form.hint"),
            ),
        ),
        metadata=json.dumps({"round": _round_id(state), "point": point, "origin": origin}),
    )
