"""The booking, counter-proposal, reschedule and agreement forms, and reading them back.

Validation happens here, in the domain, so Slack, Teams and the playground show the same
inline errors.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.booking.domain import MAX_PROPOSALS, PLACE_KINDS, AgreementInput, Pairing, Proposal
from bot.core import actions, ui
from bot.core.i18n import Translator
from bot.core.working_calendar import WorkingCalendar
from storage.models import Agreement, Conversation

NOTE_MAX = 1000
PLACE_MAX = 200
AGREEMENT_TEXT_MAX = 1000
DEFAULT_START = time(10, 0)


def _slot_fields(t: Translator, first_day: date | None, first_time: time | None) -> list[ui.Field]:
    fields: list[ui.Field] = []
    for n in range(1, MAX_PROPOSALS + 1):
        optional = n > 1
        fields.append(
            ui.DateInput(
                f"date{n}",
                t("booking.form.date", n=n),
                optional=optional,
                initial=first_day if n == 1 else None,
            )
        )
        fields.append(
            ui.TimeInput(
                f"time{n}",
                t("booking.form.time", n=n),
                optional=optional,
                initial=first_time if n == 1 else None,
            )
        )
    return fields


def _details_fields(
    t: Translator, durations: tuple[int, ...], duration: int, place_kind: str, place: str | None
) -> list[ui.Field]:
    return [
        ui.Choice(
            "duration",
            t("booking.form.duration"),
            tuple(ui.Option(str(m), t("format.minutes", minutes=m)) for m in durations),
            initial=str(duration),
        ),
        ui.Choice(
            "place_kind",
            t("booking.form.place_kind"),
            tuple(ui.Option(k, t(f"booking.place.{k}")) for k in PLACE_KINDS),
            initial=place_kind,
        ),
        ui.TextInput(
            "place_text",
            t("booking.form.place_text"),
            optional=True,
            initial=place,
            max_length=PLACE_MAX,
            hint=t("booking.form.place_hint"),
        ),
    ]


def pairing_label(t: Translator, pairing: Pairing, actor_id: int | None) -> str:
    other = pairing.manager if pairing.employee.id == actor_id else pairing.employee
    key = "booking.form.pair_settled" if pairing.settled else "booking.form.pair"
    return t(key, name=other.name, network=pairing.network.name)


def booking_form(
    t: Translator,
    pairings: list[Pairing],
    actor_id: int | None,
    calendar: WorkingCalendar,
    today: date,
    chosen: str | None = None,
) -> ui.Form:
    initial = chosen or (pairings[0].value if len(pairings) == 1 else None)
    intro, rest, (title, submit, close) = _booking_form_parts(t.language, calendar, today)
    pair = ui.Choice(
        "pair",
        t("booking.form.pair_label"),
        tuple(ui.Option(p.value, pairing_label(t, p, actor_id)) for p in pairings),
        initial=initial,
        placeholder=t("booking.form.pair_placeholder"),
    )
    return ui.Form(
        callback=actions.BOOKING_FORM,
        title=title,
        submit=submit,
        close=close,
        items=(intro, pair, *rest),
    )


@lru_cache(maxsize=32)
def _booking_form_parts(
    language: str, calendar: WorkingCalendar, today: date
) -> tuple[ui.Part, tuple[ui.Field | ui.Part, ...], tuple[str, str, str]]:
    """Everything in the booking form but the pairing: the same for everyone who books in one
    language on one day, so it is built once (bench/ack.py). Parts are frozen, safe to share."""
    t = Translator(language)
    policy = calendar.policy
    rest: list[ui.Field | ui.Part] = [
        ui.Note(
            t(
                "booking.form.hours_note",
                start=policy.meeting_start.strftime("%H:%M"),
                end=policy.meeting_end.strftime("%H:%M"),
            )
        ),
        *_slot_fields(t, calendar.add_working_days(today, 3), DEFAULT_START),
        *_details_fields(t, policy.meeting_durations, policy.default_duration, "teams", None),
        ui.TextInput(
            "note",
            t("booking.form.note"),
            optional=True,
            multiline=True,
            max_length=NOTE_MAX,
            hint=t("booking.form.note_hint"),
        ),
    ]
    labels = (t("booking.form.title"), t("booking.form.submit"), t("common.close"))
    return ui.Text(t("booking.form.intro")), tuple(rest), labels


def counter_form(
    t: Translator,
    conversation: Conversation,
    calendar: WorkingCalendar,
    today: date,
    origin: dict[str, str] | None = None,
) -> ui.Form:
    items: list[ui.Field | ui.Part] = [
        ui.Text(t("booking.counter.intro")),
        *_slot_fields(t, calendar.add_working_days(today, 3), DEFAULT_START),
        *_details_fields(
            t,
            calendar.policy.meeting_durations,
            conversation.duration_minutes,
            conversation.place_kind,
            conversation.place_text,
        ),
        ui.TextInput(
            "note", t("booking.form.note"), optional=True, multiline=True, max_length=NOTE_MAX
        ),
    ]
    return ui.Form(
        callback=actions.COUNTER_FORM,
        title=t("booking.counter.title"),
        submit=t("booking.form.submit"),
        close=t("common.close"),
        items=tuple(items),
        # `origin` is the proposal message, replaced once the counter-proposal is sent.
        metadata=json.dumps(
            {"conversation": conversation.id, "revision": conversation.revision, "origin": origin}
        ),
    )


def reschedule_form(
    t: Translator, conversation: Conversation, calendar: WorkingCalendar, tz: str
) -> ui.Form:
    assert conversation.starts_at is not None
    local = conversation.starts_at.astimezone(ZoneInfo(tz))
    durations = calendar.policy.meeting_durations
    items: list[ui.Field | ui.Part] = [
        ui.Text(t("booking.reschedule.intro")),
        ui.DateInput("date1", t("booking.reschedule.date"), initial=local.date()),
        ui.TimeInput("time1", t("booking.reschedule.time"), initial=local.time()),
        ui.Choice(
            "duration",
            t("booking.form.duration"),
            tuple(ui.Option(str(m), t("format.minutes", minutes=m)) for m in durations),
            initial=str(conversation.duration_minutes),
        ),
    ]
    return ui.Form(
        callback=actions.RESCHEDULE_FORM,
        title=t("booking.reschedule.title"),
        submit=t("booking.reschedule.submit"),
        close=t("common.close"),
        items=tuple(items),
        metadata=json.dumps({"conversation": conversation.id}),
    )


def agreement_form(
    t: Translator, conversation: Conversation, existing: Agreement | None, review: date
) -> ui.Form:
    a = existing
    text_fields = (
        ("reprioritised", a.reprioritised if a else None),
        ("secretariat_time", a.secretariat_time if a else None),
        ("competence", a.competence if a else None),
        ("showcase", a.showcase if a else None),
    )
    items: list[ui.Field | ui.Part] = [
        ui.Text(t("agreement.form.intro")),
        ui.NumberInput(
            "hours",
            t("agreement.form.hours"),
            decimal=True,
            minimum=0,
            maximum=200,
            initial=a.hours if a else None,
        ),
        ui.Choice(
            "hours_period",
            t("agreement.form.period"),
            (
                ui.Option("week", t("agreement.period.week")),
                ui.Option("month", t("agreement.period.month")),
            ),
            initial=a.hours_period if a else "week",
        ),
        *(
            ui.TextInput(
                name,
                t(f"agreement.form.{name}"),
                optional=True,
                multiline=True,
                initial=value,
                max_length=AGREEMENT_TEXT_MAX,
            )
            for name, value in text_fields
        ),
        ui.DateInput("review_date", t("agreement.form.review_date"), initial=review),
    ]
    return ui.Form(
        callback=actions.AGREEMENT_FORM,
        title=t("agreement.form.title"),
        submit=t("agreement.form.submit"),
        close=t("common.close"),
        items=tuple(items),
        metadata=json.dumps({"conversation": conversation.id}),
    )


# --- reading forms back --------------------------------------------------------------------


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _parse_time(text: str | None) -> time | None:
    try:
        return time.fromisoformat(text) if text else None
    except ValueError:
        return None


def read_times(
    t: Translator,
    values: dict[str, str | None],
    errors: ui.FormErrors,
    calendar: WorkingCalendar,
    tz: str,
    duration: int,
    now: datetime,
) -> list[datetime]:
    times: list[datetime] = []
    for n in range(1, MAX_PROPOSALS + 1):
        day, at = _parse_date(values.get(f"date{n}")), _parse_time(values.get(f"time{n}"))
        if day is None and at is None:
            if n == 1:
                errors.add("date1", t("booking.error.first_missing"))
            continue
        if day is None:
            errors.add(f"date{n}", t("booking.error.date_missing"))
            continue
        if at is None:
            errors.add(f"time{n}", t("booking.error.time_missing"))
            continue
        start = datetime.combine(day, at, tzinfo=ZoneInfo(tz))
        problem = calendar.meeting_problem(start, duration, now)
        if problem:
            policy = calendar.policy
            errors.add(
                f"date{n}" if problem != "booking.error.hours" else f"time{n}",
                t(
                    problem,
                    start=policy.meeting_start.strftime("%H:%M"),
                    end=policy.meeting_end.strftime("%H:%M"),
                ),
            )
            continue
        if start in times:
            errors.add(f"date{n}", t("booking.error.duplicate"))
            continue
        times.append(start)
    return times


def read_duration(values: dict[str, str | None], calendar: WorkingCalendar) -> int:
    try:
        minutes = int(values.get("duration") or calendar.policy.default_duration)
    except ValueError:
        minutes = calendar.policy.default_duration
    return (
        minutes
        if minutes in calendar.policy.meeting_durations
        else calendar.policy.default_duration
    )


def read_proposal(
    t: Translator,
    values: dict[str, str | None],
    calendar: WorkingCalendar,
    tz: str,
    now: datetime,
) -> tuple[Proposal | None, ui.FormErrors]:
    errors = ui.FormErrors()
    duration = read_duration(values, calendar)
    times = read_times(t, values, errors, calendar, tz, duration, now)
    kind = values.get("place_kind") or "room"
    if kind not in PLACE_KINDS:
        errors.add("place_kind", t("booking.error.place_kind"))
    place = values.get("place_text")
    if kind in ("room", "other") and not place:
        errors.add("place_text", t("booking.error.place_missing"))
    if errors:
        return None, errors
    return Proposal(tuple(times), duration, kind, place, values.get("note")), errors


def read_agreement(
    t: Translator, values: dict[str, str | None], today: date
) -> tuple[AgreementInput | None, ui.FormErrors]:
    errors = ui.FormErrors()
    hours: float | None = None
    try:
        hours = float((values.get("hours") or "").replace(",", "."))
        if not 0 <= hours <= 200:
            raise ValueError
    except ValueError:
        errors.add("hours", t("agreement.error.hours"))
    period = values.get("hours_period") or "week"
    if period not in ("week", "month"):
        errors.add("hours_period", t("agreement.error.period"))
    review = _parse_date(values.get("review_date"))
    if review is None or review <= today:
        errors.add("review_date", t("agreement.error.review_date"))
    if errors or hours is None or review is None:
        return None, errors
    return (
        AgreementInput(
            hours=hours,
            hours_period=period,
            reprioritised=values.get("reprioritised"),
            secretariat_time=values.get("secretariat_time"),
            competence=values.get("competence"),
            showcase=values.get("showcase"),
            review_date=review,
        ),
        errors,
    )
