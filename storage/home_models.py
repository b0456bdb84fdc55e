"""Privacy bookkeeping per person: when the privacy notice was first shown, and when the
person's data was erased (GDPR art. 13: inform at first contact; art. 17: erasure).

One row per person at most; a missing row means "never contacted, never erased".
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class PersonPrivacy(SQLModel, table=True):
    __tablename__ = "person_privacy"

    person_id: int = Field(foreign_key="people.id", primary_key=True)
    # The first message the bot sent this person carried the privacy notice.
    notice_sent_at: datetime | None = None
    # The person's personal data were replaced by anonymous placeholders.
    erased_at: datetime | None = None
    erased_reason: str | None = Field(default=None, max_length=20)  # request, retention
