"""The booking, counter-proposal, reschedule and agreement forms, and reading them back.

Validation happens here, in the domain, so Slack, Teams and the playground show the same
inline errors.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.booking.domain import MAX_PROPOSALS, PLACE_KINDS, AgreementInput, Pairing, Proposal
from bot.booking.outlook import Offer
from bot.core import actions, ui
from bot.core.formatting import format_datetime
from bot.core.i18n import Translator
from bot.core.working_calendar import WorkingCalendar
from storage.models import Agreement, Conversation

NOTE_MAX = 1000
PLACE_MAX = 200
AGREEMENT_TEXT_MAX = 1000
DEFAULT_START = time(10, 0)


def _slot_fields(
    t: Translator, first_day: date | None, first_time: time | None, offered: Sequence[datetime] = ()
) -> list[ui.Field]:
    """Date and time of proposals 1–3: the calendar's free times when there are any (the
    inviter may overwrite them), else a suggested first day."""
    fields: list[ui.Field] = []
    for n in range(1, MAX_PROPOSALS + 1):
        optional = n > 1
        day, at = (first_day, first_time) if n == 1 else (None, None)
        if offered:
            free = offered[n - 1] if n <= len(offered) else None
            day, at = (free.date(), free.time()) if free else (None, None)
        fields.append(
            ui.DateInput(f"date{n}", t("booking.form.date", n=n), optional=optional, initial=day)
        )
        fields.append(
            ui.TimeInput(f"time{n}", t("booking.form.time", n=n), optional=optional, initial=at)
        )
    return fields


def _offer_note(t: Translator, offer: Offer, language: str) -> ui.Part:
    if offer.unavailable:
        return ui.Note(t("booking.outlook.unavailable"))
    if not offer.slots:
        return ui.Note(t("booking.outlook.none_free"))
    tz = str(offer.slots[0].tzinfo)
    times = ", ".join(format_datetime(slot, language, tz) for slot in offer.slots)
    return ui.Note(t("booking.outlook.offered", times=times))


def _duration_field(t: Translator, durations: tuple[int, ...], duration: int) -> ui.Field:
    return ui.Choice(
        "duration",
        t("booking.form.duration"),
        tuple(ui.Option(str(m), t("format.minutes", minutes=m)) for m in durations),
        initial=str(duration),
    )


def _note_field(t: Translator, hint: str | None = None) -> ui.Field:
    return ui.TextInput(
        "note",
        t("booking.form.note"),
        optional=True,
        multiline=True,
        max_length=NOTE_MAX,
        hint=hint,
    )


def _form(
    t: Translator,
    callback: str,
    title_key: str,
    submit_key: str,
    items: list[ui.Field | ui.Part],
    conversation: Conversation | None = None,
    **state: object,
) -> ui.Form:
    """The booking feature's forms: closed with "Luk"; a form about a conversation carries
    its id (and any further `state`) to the submission."""
    metadata = json.dumps({"conversation": conversation.id, **state}) if conversation else ""
    return ui.Form(
        callback=callback,
        title=t(title_key),
        submit=t(submit_key),
        close=t("common.close"),
        items=tuple(items),
        metadata=metadata,
    )


def _details_fields(
    t: Translator, durations: tuple[int, ...], duration: int, place_kind: str, place: str | None
) -> list[ui.Field]:
    return [
        _duration_field(t, durations, duration),
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
    offer: Offer | None = None,
) -> ui.Form:
    initial = chosen or (pairings[0].value if len(pairings) == 1 else None)
    intro, rest, (title, submit, close) = _booking_form_parts(t.language, calendar, today)
    if offer is not None:
        # The calendar's free times in place of the suggested day, with a note that says so.
        fields = _slot_fields(t, None, None, offer.slots)
        kept = [item for item in rest if not _is_slot_field(item)]
        rest = (kept[0], _offer_note(t, offer, t.language), *fields, *kept[1:])
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


def _is_slot_field(item: ui.Field | ui.Part) -> bool:
    return isinstance(item, ui.DateInput | ui.TimeInput) and item.id[-1:].isdigit()


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
        _note_field(t, hint=t("booking.form.note_hint")),
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
        _note_field(t),
    ]
    # `origin` is the proposal message, replaced once the counter-proposal is sent.
    return _form(
        t,
        actions.COUNTER_FORM,
        "booking.counter.title",
        "booking.form.submit",
        items,
        conversation,
        revision=conversation.revision,
        origin=origin,
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
        _duration_field(t, durations, conversation.duration_minutes),
    ]
    return _form(
        t,
        actions.RESCHEDULE_FORM,
        "booking.reschedule.title",
        "booking.reschedule.submit",
        items,
        conversation,
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
    return _form(
        t,
        actions.AGREEMENT_FORM,
        "agreement.form.title",
        "agreement.form.submit",
        items,
        conversation,
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


def field_of(values: dict[str, str | None], start: datetime) -> str:
    """The form field a proposed time came from, for an error next to it."""
    for n in range(1, MAX_PROPOSALS + 1):
        day, at = _parse_date(values.get(f"date{n}")), _parse_time(values.get(f"time{n}"))
        if day == start.date() and at == start.time().replace(tzinfo=None):
            return f"time{n}"
    return "time1"


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
