"""App Home as one flow: what a person sees on their Home tab, built from the data."""

from __future__ import annotations

from bot.core import ui
from bot.core.clock import now
from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.core.unit_of_work import UnitOfWork
from bot.home.sections import HomeContext, build_home
from bot.privacy.domain import retention_policy
from storage.models import Conversation, Person


def home_parts(deps: Deps, uow: UnitOfWork, person_id: int | None, t: Translator) -> list[ui.Part]:
    with uow as session:
        person = session.get(Person, person_id) if person_id else None
        tz = deps.timezone_of(person) if person else deps.settings.netvaerk_timezone
        ctx = HomeContext(
            t=t,
            tz=tz,
            now=now(),
            retention=retention_policy(deps.calendar.policy),
            sections=deps.registry.home,
        )
        return build_home(session, person, ctx)


def conversation_parties(uow: UnitOfWork, conversation_id: int | None) -> list[int | None]:
    """Whose Home changes with this conversation: both parties'."""
    if conversation_id is None:
        return []
    with uow as session:
        conversation = session.get(Conversation, conversation_id)
    return [conversation.employee_id, conversation.manager_id] if conversation else []
