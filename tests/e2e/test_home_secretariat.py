"""The secretariat runs the network organisation from Slack — networks and members in modals,
who is secretariat, failed deliveries, erasure, the report — and everyone else is told
politely, in their own language. Also `/netvaerk mine data`."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

from freezegun import freeze_time
from sqlmodel import select

from bot.core import actions
from storage.models import AuditEntry, Network, NetworkMember, Person
from storage.scheduling_models import OutboxMessage, OutboxStatus
from tests.e2e.conftest import SlackEnv
from tests.e2e.helpers import settle, text_of, wait_dm
from tests.e2e.test_home import opened, wait_home

MONDAY = "2027-03-01 08:00:00"


def _files(env: SlackEnv, user: str) -> list[bytes]:
    channel = env.api.dm_channel_id(user)
    return [f.content or b"" for f in env.api.files if f.channel_id == channel]


def _wait_file(env: SlackEnv, user: str) -> bytes:
    env.api.wait_for("files.completeUploadExternal")
    settle(env.api)
    (content,) = _files(env, user)
    return content


def test_create_edit_and_close_a_network_in_modals(env: SlackEnv) -> None:
    api, slack = env.api, env.slack
    with freeze_time(MONDAY, tick=True):
        opened(env, "UIDA", "Organisationen")
        slack.click("UIDA", actions.NETWORK_NEW)
        api.wait_for("views.open")
        view = api.current_view("UIDA")
        assert view is not None and view["title"]["text"] == "Opret netværk"
        bad = slack.submit_view(
            "UIDA",
            {"name": "Klimatilpasning", "theme": "x", "leader": "ingen@example.dk"},
        )
        errors = bad.json["errors"]
        assert "Der findes allerede et netværk" in errors["name"]
        assert "ingen@example.dk" in errors["leader"]
        good = slack.submit_view(
            "UIDA",
            {
                "name": "Grøn omstilling",
                "theme": "Mindre CO2 i kommunens drift",
                "leader": "Fatima.Ali@example.dk",
                "reference": "mette.holm@example.dk",
                "participants": "soren.kjaer@example.dk; anne.jensen@example.dk",
                "start_date": "2027-03-01",
            },
        )
        assert good.status == 200 and not good.problems
        wait_dm(api, "UIDA", "Netværket *Grøn omstilling* er gemt.")
        wait_home(env, "UIDA", "*Grøn omstilling* – netværksleder Fatima Ali, 2 deltager(e)")
        wait_home(env, "UFATIMA", "Grøn omstilling")  # the new leader's Home is refreshed
        with env.db.session() as s:
            network = s.exec(select(Network).where(Network.name == "Grøn omstilling")).one()
            network_id = network.id
        slack.click("UIDA", actions.NETWORK_EDIT, str(network_id))
        api.wait_for(
            "views.open", lambda c: c.params["view"]["callback_id"] == actions.NETWORK_FORM
        )
        edit = api.current_view("UIDA")
        assert edit is not None and edit["title"]["text"] == "Redigér netværk"
        slack.submit_view("UIDA", {"participants": "soren.kjaer@example.dk"})
        wait_home(env, "UIDA", "*Grøn omstilling* – netværksleder Fatima Ali, 1 deltager(e)")
        slack.click("UIDA", actions.NETWORK_CLOSE, str(network_id))
        wait_dm(api, "UIDA", "Netværket *Grøn omstilling* er lukket.")
        wait_home(env, "UIDA", "~Grøn omstilling~ (lukket)")
        settle(api)
    with env.db.session() as s:
        closed = s.get(Network, network_id)
        assert closed is not None and closed.end_date == date(2027, 2, 28)
        members = s.exec(select(NetworkMember).where(NetworkMember.network_id == network_id))
        assert [m.person_id for m in members] == [env.org.soren.id]
        trail = [(e.actor, e.action) for e in s.exec(select(AuditEntry))]
    who = f"person:{env.org.ida.id}"
    assert [(who, "network.created"), (who, "network.edited"), (who, "network.closed")] == [
        t for t in trail if t[1].startswith("network.")
    ]
    assert api.warnings == []


def test_make_someone_secretariat_and_keep_at_least_one(env: SlackEnv) -> None:
    api, slack = env.api, env.slack
    with freeze_time(MONDAY, tick=True):
        opened(env, "UIDA", "Organisationen")
        slack.click("UIDA", actions.SECRETARIAT_ROLE_OPEN)
        api.wait_for("views.open")
        last = slack.submit_view("UIDA", {"email": "ida.frost@example.dk", "change": "revoke"})
        assert "mindst ét medlem" in last.json["errors"]["email"]
        slack.submit_view("UIDA", {"email": "lars.nielsen@example.dk", "change": "grant"})
        wait_dm(api, "UIDA", "Lars Nielsen er nu med i Sekretariat for Netværksstrukturen.")
        wait_home(env, "ULARS", "Organisationen")  # Lars's Home now shows the overview
        settle(api)


def test_failed_deliveries_are_listed_with_their_reason_and_retried(env: SlackEnv) -> None:
    at = datetime(2027, 2, 26, 10, 0, tzinfo=UTC)
    with env.db.session() as s:
        for key in ("a", "b"):
            s.add(
                OutboxMessage(
                    dedupe_key=key,
                    kind="booking_nudge",
                    subject="booking:1",
                    recipient_id=env.org.lars.id,
                    due_on=at,
                    next_attempt_at=at,
                    status=OutboxStatus.FAILED,
                    last_error="account_inactive",
                    finished_at=at,
                    attempts=1,
                )
            )
        s.commit()
    with freeze_time(MONDAY, tick=True):
        view = opened(env, "UIDA", "2 besked(er) kunne ikke leveres")
        assert "Til Lars Nielsen (booking_nudge)" in text_of(view)
        assert "`account_inactive`" in text_of(view)
        env.slack.click("UIDA", actions.DELIVERY_RETRY, "all")
        wait_dm(env.api, "UIDA", "2 besked(er) er sat til at blive sendt igen.")
        wait_home(env, "UIDA", "Ingen eskaleringer og ingen fejlede leverancer")
        settle(env.api)
    with env.db.session() as s:
        rows = s.exec(select(OutboxMessage)).all()
        assert {r.status for r in rows} == {OutboxStatus.PENDING}
        assert all(r.attempts == 0 and r.reported_at is None for r in rows)


def test_everyone_else_is_refused_politely_in_their_language(env: SlackEnv) -> None:
    api, slack = env.api, env.slack
    with freeze_time(MONDAY, tick=True):
        body = slack.command("ULARS", "sekretariat").json
        assert "kun Sekretariat for Netværksstrukturen" in body["text"] or (
            "forbeholdt Sekretariat for Netværksstrukturen" in body["text"]
        )
        body = slack.command("UFATIMA", "report").json
        assert body["text"].startswith(
            "The report on the whole organisation is for the Secretariat"
        )
        body = slack.command("USTRANGER", "rapport").json
        assert "Jeg kan ikke finde dig" in body["text"]
        ida_home = opened(env, "UIDA", "Organisationen")
        # Someone else presses the secretariat's buttons (an old or forwarded view).
        slack.click("ULARS", actions.NETWORK_NEW, view=ida_home["id"])
        wait_dm(api, "ULARS", "Det er kun Sekretariat for Netværksstrukturen, der kan oprette")
        slack.click("USOREN", actions.ERASE_OPEN, view=ida_home["id"])
        wait_dm(api, "USOREN", "Only the Secretariat for the Network Structure can erase")
        slack.click("UANNE", actions.NETWORK_CLOSE, str(env.org.network.id), view=ida_home["id"])
        wait_dm(api, "UANNE", "kan lukke et netværk")
        settle(api)
    assert api.calls_to("views.open") == []
    with env.db.session() as s:
        network = s.get(Network, env.org.network.id)
        assert network is not None and network.end_date is None


def test_my_data_arrives_as_a_readable_json_file(env: SlackEnv) -> None:
    with freeze_time(MONDAY, tick=True):
        response = env.slack.command("UANNE", "mine data")
        assert response.status == 200 and response.acked_in_time
        wait_dm(env.api, "UANNE", "Her er alt, hvad jeg har gemt om dig")
        data = json.loads(_wait_file(env, "UANNE"))
    assert data["person"]["email"] == "anne.jensen@example.dk"
    assert [i["user_id"] for i in data["tables"]["platform_identities"]] == ["UANNE"]
    assert "conversations" in data["tables"] and "outbox" in data["tables"]
    with env.db.session() as s:
        actions_done = [e.action for e in s.exec(select(AuditEntry))]
    assert "privacy.exported" in actions_done


def test_the_report_and_the_audit_log_as_csv(env: SlackEnv) -> None:
    with freeze_time(MONDAY, tick=True):
        env.slack.command("UIDA", "rapport")
        wait_dm(env.api, "UIDA", "Overblikket over netværksorganisationen")
        content = _wait_file(env, "UIDA").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0][:3] == ["netværk", "tema", "startdato"]
    people = {(r[0], r[4], r[5]) for r in rows[1:]}
    assert ("Klimatilpasning", "netværksleder", "Anne Jensen") in people
    assert ("Klimatilpasning", "deltager", "Søren Kjær") in people
    assert ("Digital inklusion", "referenceleder", "Mette Holm") in people


def test_the_secretariat_erases_a_person(env: SlackEnv) -> None:
    api, slack = env.api, env.slack
    with freeze_time(MONDAY, tick=True):
        opened(env, "UIDA", "Organisationen")
        slack.click("UIDA", actions.ERASE_OPEN)
        api.wait_for("views.open")
        mismatch = slack.submit_view(
            "UIDA", {"email": "fatima.ali@example.dk", "confirm": "fatima@example.dk"}
        )
        assert "ikke ens" in mismatch.json["errors"]["confirm"]
        slack.submit_view(
            "UIDA", {"email": "fatima.ali@example.dk", "confirm": "fatima.ali@example.dk"}
        )
        wait_dm(api, "UIDA", "Personoplysningerne er slettet")
        settle(api)
    with env.db.session() as s:
        fatima = s.get(Person, env.org.fatima.id)
        assert fatima is not None and fatima.name == "Slettet person" and not fatima.active
        assert "privacy.erased" in [e.action for e in s.exec(select(AuditEntry))]


def test_the_secretariat_menu_by_command(env: SlackEnv) -> None:
    with freeze_time(MONDAY, tick=True):
        response = env.slack.command("UIDA", "sekretariat")
        assert response.status == 200 and not response.problems
        assert "Sekretariatets handlinger" in response.json["text"]
        env.slack.click("UIDA", actions.AUDIT_SEND)  # a button in the ephemeral answer
        wait_dm(env.api, "UIDA", "Audit-loggen")
        settle(env.api)
