"""The scheduler's part of the policy file (bot/policy.toml), read once into typed values.

The file documents every number; this module only gives them names and types, so a typo in the
file fails at start-up rather than on the day a reminder falls due.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.policy import Policy, get_policy


@dataclass(frozen=True)
class ReminderPolicy:
    nudges_per_week: int
    snooze_days: int
    booking_first: int
    booking_every: int
    booking_max: int
    booking_valid_months: int
    booking_include_participants: bool
    booking_leader_prompt: bool
    booking_prompt_after: int
    escalation_weekday: int
    reflection_before: int
    follow_up_after: int
    follow_up_recipients: tuple[str, ...]
    review_recipients: tuple[str, ...]
    puls_manager_before: tuple[int, ...]
    puls_employee_before: int
    puls_results_days: int
    reference_introduce: bool
    sparring_every_months: int
    theme_deadlines: tuple[tuple[int, int], ...]  # (month, day)
    theme_invite_days_before: int
    lease_seconds: int
    max_attempts: int
    max_rate_limited: int
    backoff_first_seconds: float
    backoff_max_seconds: float
    per_channel_seconds: float
    batch_size: int
    history_lookback_minutes: int
    catch_up_days: int
    retention_days: int


def _month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


def reminder_policy(policy: Policy | None = None) -> ReminderPolicy:
    p = policy or get_policy()
    cap, book, esc = p.section("cap"), p.section("booking_nudge"), p.section("escalation")
    refl, follow, review = (
        p.section("reflection"),
        p.section("follow_up"),
        p.section("agreement_review"),
    )
    puls, ref, themes = p.section("puls"), p.section("reference_leader"), p.section("themes")
    delivery, retention = p.section("delivery"), p.section("retention")
    return ReminderPolicy(
        nudges_per_week=int(cap["nudges_per_week"]),
        snooze_days=int(cap["snooze_days"]),
        booking_first=int(book["first_after_working_days"]),
        booking_every=int(book["every_working_days"]),
        booking_max=int(book["max_nudges"]),
        booking_valid_months=int(book["valid_months"]),
        booking_include_participants=bool(book["include_participants"]),
        booking_leader_prompt=bool(book["leader_prompt"]),
        booking_prompt_after=int(book["leader_prompt_after_working_days"]),
        escalation_weekday=int(esc["weekday"]),
        reflection_before=int(refl["working_days_before"]),
        follow_up_after=int(follow["working_days_after"]),
        follow_up_recipients=tuple(follow["recipients"]),
        review_recipients=tuple(review["recipients"]),
        puls_manager_before=tuple(int(k) for k in puls["manager_working_days_before"]),
        puls_employee_before=int(puls["employee_working_days_before"]),
        puls_results_days=int(puls["results_days"]),
        reference_introduce=bool(ref["introduce"]),
        sparring_every_months=int(ref["sparring_every_months"]),
        theme_deadlines=tuple(_month_day(d) for d in themes["deadlines"]),
        theme_invite_days_before=int(themes["invite_days_before"]),
        lease_seconds=int(delivery["lease_seconds"]),
        max_attempts=int(delivery["max_attempts"]),
        max_rate_limited=int(delivery["max_rate_limited"]),
        backoff_first_seconds=float(delivery["backoff_first_seconds"]),
        backoff_max_seconds=float(delivery["backoff_max_seconds"]),
        per_channel_seconds=float(delivery["per_channel_seconds"]),
        batch_size=int(delivery["batch_size"]),
        history_lookback_minutes=int(delivery["history_lookback_minutes"]),
        catch_up_days=int(delivery["catch_up_days"]),
        retention_days=int(retention["outbox_days"]),
    )
