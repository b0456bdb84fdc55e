"""App Home sections for results (declared in bot/showcase/feature.py): a person's own results
with how often they were recognised, and the secretariat's picture of results, recognition,
undelivered posts and department meetings."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, func, select

from bot.core import actions, ui
from bot.home.sections import HomeContext
from bot.meetings import domain as meetings
from bot.showcase import domain as showcase
from storage.models import Person
from storage.showcase_models import (
    ChannelPost,
    NetworkResult,
    PostStatus,
    Recognition,
    ResultStatus,
)

RESULTS_SHOWN = 5
SECRETARIAT_DAYS = 90


def my_results(session: Session, person: Person, ctx: HomeContext) -> list[ui.Part]:
    t = ctx.t
    found = showcase.recent_results(
        session, [person.id or 0], ctx.now - timedelta(days=365), ctx.tz
    )[:RESULTS_SHOWN]
    parts: list[ui.Part] = [ui.Text(t("showcase.home.mine"))]
    if found:
        lines = [
            t(
                "showcase.home.line",
                title=r.title,
                network=r.network,
                date=ctx.date(r.posted_on),
                count=r.recognitions,
            )
            for r in found
        ]
        parts.append(ui.Text(ui.join("\n", lines)))
    else:
        parts.append(ui.Note(t("showcase.home.none")))
    # Offered only where it would not be refused: sharing needs a network that runs today.
    if showcase.networks_for_poster(session, person.id or 0, ctx.today):
        parts.append(
            ui.Buttons(
                (ui.Button(t("showcase.button.share"), actions.RESULT_OPEN, "", "primary"),),
                id="home-results",
            )
        )
    else:
        parts.append(ui.Note(t("showcase.refusal.no_networks")))
    return parts


def secretariat_results(session: Session, person: Person, ctx: HomeContext) -> list[ui.Part]:
    t = ctx.t
    since = ctx.now - timedelta(days=SECRETARIAT_DAYS)
    shared = session.exec(
        select(func.count())
        .select_from(NetworkResult)
        .where(
            NetworkResult.status == ResultStatus.PUBLISHED, col(NetworkResult.created_at) >= since
        )
    ).one()
    recognised = session.exec(
        select(func.count()).select_from(Recognition).where(col(Recognition.created_at) >= since)
    ).one()
    undelivered = session.exec(
        select(func.count())
        .select_from(ChannelPost)
        .where(ChannelPost.status == PostStatus.FAILED, col(ChannelPost.updated_at) >= since)
    ).one()
    counts = meetings.presented_counts(session, ctx.today - timedelta(days=SECRETARIAT_DAYS))
    yes = sum(c.presented for c in counts)
    answered = yes + sum(c.not_presented for c in counts)
    parts: list[ui.Part] = [
        ui.Text(
            t(
                "showcase.home.secretariat",
                days=SECRETARIAT_DAYS,
                shared=int(shared),
                recognised=int(recognised),
                undelivered=int(undelivered),
            )
        ),
        ui.Text(t("showcase.home.meetings", presented=yes, answered=answered)),
    ]
    if counts:
        parts.append(
            ui.Text(
                ui.join(
                    "\n",
                    (
                        t(
                            "showcase.home.meeting_line",
                            department=c.department,
                            presented=c.presented,
                            answered=c.presented + c.not_presented,
                        )
                        for c in counts
                    ),
                )
            )
        )
    return parts
