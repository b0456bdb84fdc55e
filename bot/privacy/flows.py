"""A person's own data, as a flow: checked, exported, and the export written to the audit log."""

from __future__ import annotations

from bot.core import audit, ui
from bot.core.actor import Actor
from bot.core.feature import Registry
from bot.core.permissions import Action, require
from bot.core.unit_of_work import UnitOfWork
from bot.privacy import domain as privacy
from storage.models import Person


def my_data(uow: UnitOfWork, registry: Registry, actor: Actor) -> tuple[ui.Message, ui.Attachment]:
    """The message and file to send the person; a refusal when they may not have them."""
    t = actor.t
    me = actor.require_person()
    with uow as session:
        person = require(session, session.get(Person, me.id), Action.DATA_EXPORT)
        data = privacy.export_person(session, registry, person, actor.language)
        audit.record(
            session, audit.person_actor(person.id), "privacy.exported", "person", person.id
        )
        session.commit()
    return ui.Message(text=t("privacy.export.text")), privacy.export_attachment(t, data)
