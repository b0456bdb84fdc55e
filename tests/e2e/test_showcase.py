"""Results, recognition, department meetings and open networks, end to end: the real Bolt app
over signed HTTP against the Slack Web API emulator, and the scheduler's ticks delivering to it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlmodel import select

from bot.core import actions
from platforms.slack.chat import SlackChat, make_delivery_client
from schedules.delivery import Delivery
from schedules.planner import plan
from storage.models import Department, NetworkMember, Person
from storage.scheduling_models import OutboxMessage
from storage.showcase_models import (
    ChannelPost,
    JoinRequest,
    MeetingAnswer,
    MeetingInvitation,
    NetworkResult,
    PostStatus,
    Recognition,
)
from tests.e2e.conftest import SlackEnv
from tests.e2e.helpers import button, buttons, settle, text_of, wait_dm

MONDAY = "2027-03-01 08:00:00"  # 09:00 in Copenhagen
CPH = ZoneInfo("Europe/Copenhagen")
BY = "C0BYMILJO"  # By og Miljø (Lars, Anne, Søren, Fatima): the bot is a member
STAB = "C0STAB"  # Økonomi og Stab (Mette, the reference leader), imported as "#oekonomi-og-stab"


@pytest.fixture
def showcase_env(env: SlackEnv) -> SlackEnv:
    """Two department channels in Slack; Mette (reference leader) in a department whose channel
    the bot has not joined; Ida in a department without a channel."""
    env.api.add_channel(BY, "by-og-miljoe", members=["ULARS", "UANNE", "USOREN", "UFATIMA"])
    env.api.add_channel(STAB, "oekonomi-og-stab", bot_is_member=False, members=["UMETTE"])
    with env.db.session() as s:
        stab = Department(name="Økonomi og Stab", channel="#oekonomi-og-stab")
        nowhere = Department(name="Borgerservice")
        s.add_all([stab, nowhere])
        s.flush()
        for person, department in ((env.org.mette, stab), (env.org.ida, nowhere)):
            found = s.get(Person, person.id)
            assert found is not None
            found.department_id = department.id
            s.add(found)
        # Ida joins the network, so her department (no channel) is a target too.
        s.add(NetworkMember(network_id=env.org.network.id or 0, person_id=env.org.ida.id or 0))
        s.commit()
    return env


def _posts(env: SlackEnv, channel: str) -> list[dict[str, Any]]:
    return [m for m in env.api.messages_in(channel) if m.get("bot_id") and not m.get("thread_ts")]


def _share(env: SlackEnv, user: str, title: str, **extra: str) -> None:
    env.api.wait_for("views.open")
    values = {
        "title": title,
        "achieved": "Tre skybrudsveje er tegnet sammen med borgerne.",
        "meaning": "Vej og park kan bruge tegningerne i deres egne planer <straks> & nu.",
        **extra,
    }
    submitted = env.slack.submit_view(user, values)
    assert submitted.status == 200 and not submitted.problems
    preview = env.api.current_view(user)
    assert preview is not None and preview["callback_id"] == actions.RESULT_PREVIEW
    shared = env.slack.submit_view(user)
    assert shared.status == 200 and not shared.problems
    assert env.api.current_view(user) is None  # "clear" closed the preview and the form


def _tick(env: SlackEnv, moment: datetime) -> None:
    transport = SlackChat(make_delivery_client(env.deps.settings))
    with freeze_time(moment) as frozen:
        plan(env.deps)
        Delivery(env.deps, transport, sleep=lambda s: frozen.tick(s), concurrency=1).run()


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CPH).astimezone(UTC)


def test_result_from_the_modal_lands_once_per_department(showcase_env: SlackEnv) -> None:
    env, api, slack = showcase_env, showcase_env.api, showcase_env.slack
    with freeze_time(MONDAY, tick=True):
        assert slack.command("UANNE", "resultat").status == 200
        api.wait_for("views.open")
        form = api.current_view("UANNE")
        assert form is not None and form["title"]["text"] == "Del et netværksresultat"
        network = next(b for b in form["blocks"] if b.get("block_id") == "network")
        assert network["element"]["initial_option"]["text"]["text"] == "Klimatilpasning"
        # A bad link is refused inline, the modal stays open.
        bad = slack.submit_view(
            "UANNE",
            {
                "title": "Skybrudsplan",
                "achieved": "Tre skybrudsveje er tegnet sammen med borgerne.",
                "meaning": "Vej og park kan bruge tegningerne <straks> & nu.",
                "link": "www.example",
            },
        )
        assert bad.json["response_action"] == "errors" and "link" in bad.json["errors"]
        slack.submit_view("UANNE", {"link": "https://albertslund.dk/skybrud"})
        preview = api.current_view("UANNE")
        assert preview is not None and preview["title"]["text"] == "Forhåndsvisning"
        assert "By og Miljø" in text_of(preview) and "Økonomi og Stab" in text_of(preview)
        slack.submit_view("UANNE")
        confirmation = wait_dm(api, "UANNE", "Dit resultat er delt")
        settle(api)

    # Anne leads and Søren joins, both in By og Miljø: one post there.
    (post,) = _posts(env, BY)
    text = text_of(post)
    assert "🎉 Skybrudsplan" in text
    assert "Netværket *Klimatilpasning* · _Hvordan gør vi byen klar til skybrud?_" in text
    assert "Anne Jensen, netværksleder" in text
    assert "&lt;straks&gt; &amp; nu" in text  # what people write cannot break the markup
    assert "<https://albertslund.dk/skybrud|Læs mere>" in text
    assert [label for _, _, label in buttons(post)] == ["👏 Anerkend"]
    # The reference leader's department: the bot joined the public channel, then posted once.
    assert [c.params["channel"] for c in api.calls_to("conversations.join")] == [STAB]
    assert len(_posts(env, STAB)) == 1
    # Ida's department has no channel: the poster is told, nothing is lost.
    told = text_of(confirmation)
    assert "Delt i kanalen for: By og Miljø, Økonomi og Stab" in told
    assert "Borgerservice – afdelingen har ingen kanal i netværksbotten" in told
    assert "vises i App Home og i punkterne til PULS-samtalen" in told
    with env.db.session() as s:
        statuses = sorted(p.status for p in s.exec(select(ChannelPost)).all())
        assert statuses == [PostStatus.FAILED, PostStatus.POSTED, PostStatus.POSTED]
    assert api.warnings == []

    # The secretariat is told by the scheduler, with "Prøv igen".
    _tick(env, _at(date(2027, 3, 1), 10))
    report = wait_dm(api, "UIDA", "Et opslag kom ikke frem")
    assert "Borgerservice (–): afdelingen har ingen kanal" in text_of(report)
    # The channel is configured; the secretariat tries again: posted there, and only there.
    api.add_channel("C0BORGER", "borgerservice")
    with env.db.session() as s:
        department = s.exec(select(Department).where(Department.name == "Borgerservice")).one()
        department.channel = "C0BORGER"
        s.add(department)
        s.commit()
    with freeze_time("2027-03-01 10:00:00", tick=True):
        action, value = button(report, actions.RESULT_RETRY)
        slack.click("UIDA", action, value, message=report)
        settle(api)
    assert len(_posts(env, "C0BORGER")) == 1
    assert len(_posts(env, BY)) == 1 and len(_posts(env, STAB)) == 1


def test_result_from_the_message_shortcut(showcase_env: SlackEnv) -> None:
    env, api, slack = showcase_env, showcase_env.api, showcase_env.slack
    written = api.add_user_message(BY, "USOREN", "Vi har fået 40 borgere med i workshoppen!")
    with freeze_time(MONDAY, tick=True):
        assert slack.message_action("USOREN", actions.RESULT_SHORTCUT, written).status == 200
        api.wait_for("views.open")
        form = api.current_view("USOREN")
        assert form is not None
        achieved = next(b for b in form["blocks"] if b.get("block_id") == "achieved")
        assert achieved["element"]["initial_value"] == "Vi har fået 40 borgere med i workshoppen!"
        slack.submit_view(
            "USOREN", {"title": "Workshop med borgerne", "meaning": "Metoden kan genbruges."}
        )
        slack.submit_view("USOREN")
        wait_dm(api, "USOREN", "Your result is shared")  # Søren reads English (Slack locale)
        settle(api)
    (post,) = _posts(env, BY)
    assert "Søren Kjær, deltager i netværket" in text_of(post)  # the channel reads Danish
    with env.db.session() as s:
        (result,) = s.exec(select(NetworkResult)).all()
        assert (result.source_channel, result.source_ts) == (BY, written["ts"])


def test_recognition_by_several_people_once_each(showcase_env: SlackEnv) -> None:
    env, api, slack = showcase_env, showcase_env.api, showcase_env.slack
    with freeze_time(MONDAY, tick=True):
        slack.command("UANNE", "resultat")
        _share(env, "UANNE", "Skybrudsplan")
        settle(api)
        (post,) = _posts(env, BY)
        (stab_post,) = _posts(env, STAB)
        for user in ("ULARS", "UFATIMA", "USOREN", "UMETTE"):
            action, value = button(post, actions.RESULT_RECOGNISE)
            slack.click(user, action, value, message=post)
            settle(api, quiet=0.2)
        # Lars again: counted once, and told so.
        slack.click("ULARS", *button(post, actions.RESULT_RECOGNISE), message=post)
        reply = api.wait_for_response(lambda r: "allerede anerkendt" in str(r.payload))
        assert reply is not None
        settle(api)
    _, updated = api.find_message(post["ts"]) or (None, {})
    assert "👏 Anerkendt af Lars og 3 andre" in text_of(updated)
    # Every copy shows it, also in the other department's channel.
    _, other = api.find_message(stab_post["ts"]) or (None, {})
    assert "👏 Anerkendt af Lars og 3 andre" in text_of(other)
    with env.db.session() as s:
        assert len(s.exec(select(Recognition)).all()) == 4


def test_personnel_leader_is_nudged_to_recognise_unless_done(showcase_env: SlackEnv) -> None:
    env, api, slack = showcase_env, showcase_env.api, showcase_env.slack
    with freeze_time(MONDAY, tick=True):
        slack.command("UANNE", "resultat")
        _share(env, "UANNE", "Skybrudsplan")
        slack.command("USOREN", "resultat")
        _share(env, "USOREN", "Workshop med borgerne")
        settle(api)
        recognise_soren = _posts(env, BY)[-1]
        # Lars recognises Søren's result himself before the nudge goes out.
        slack.click("ULARS", *button(recognise_soren, actions.RESULT_RECOGNISE))
        settle(api)
    _tick(env, _at(date(2027, 3, 1), 10))
    nudges = [m for m in api.messages_in("ULARS") if "har delt et resultat" in text_of(m)]
    assert len(nudges) == 1 and "Anne Jensen har delt et resultat" in text_of(nudges[0])
    with env.db.session() as s:
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "recognition_nudge")).all()
        assert sorted(r.status for r in rows) == ["dropped", "sent"]
        assert all(r.capped for r in rows)  # nudges count toward the weekly cap
    # Recognising from the nudge closes it.
    with freeze_time("2027-03-01 10:00:00", tick=True):
        slack.click("ULARS", *button(nudges[0], actions.RESULT_RECOGNISE), message=nudges[0])
        settle(api)
    _, closed = api.find_message(nudges[0]["ts"]) or (None, {})
    assert buttons(closed) == [] and "Du har anerkendt Anne Jensens resultat" in text_of(closed)


def test_a_channel_the_bot_cannot_join_is_reported(showcase_env: SlackEnv) -> None:
    env, api, slack = showcase_env, showcase_env.api, showcase_env.slack
    api.set_channel(STAB, is_archived=True)
    with freeze_time(MONDAY, tick=True):
        slack.command("UANNE", "resultat")
        _share(env, "UANNE", "Skybrudsplan")
        told = wait_dm(api, "UANNE", "Kom ikke frem")
        settle(api)
    assert "Økonomi og Stab – kanalen er arkiveret" in text_of(told)
    assert len(_posts(env, BY)) == 1 and _posts(env, STAB) == []
    _tick(env, _at(date(2027, 3, 1), 10))
    report = wait_dm(api, "UIDA", "Et opslag kom ikke frem")
    assert "Økonomi og Stab (#oekonomi-og-stab): kanalen er arkiveret" in text_of(report)
    # The report is sent once, however many ticks follow.
    _tick(env, _at(date(2027, 3, 1), 11))
    assert len([m for m in api.messages_in("UIDA") if "kom ikke frem" in text_of(m)]) == 1


def test_weekly_digest_instead_of_single_posts(showcase_env: SlackEnv) -> None:
    env, api, slack = showcase_env, showcase_env.api, showcase_env.slack
    with freeze_time(MONDAY, tick=True):
        slack.command("ULARS", "afdeling")
        api.wait_for("views.open")
        form = api.current_view("ULARS")
        assert form is not None and form["title"]["text"] == "Afdelingsindstillinger"
        slack.submit_view("ULARS", {"digest": "digest"})
        wait_dm(api, "ULARS", "Indstillingerne for By og Miljø er gemt")
        slack.command("UANNE", "resultat")
        _share(env, "UANNE", "Skybrudsplan")
        told = wait_dm(api, "UANNE", "Dit resultat er delt")
        settle(api)
    assert "ugentlige samling for: By og Miljø" in text_of(told)
    assert _posts(env, BY) == []  # not cluttered
    assert len(_posts(env, STAB)) == 1  # the other department still gets single posts
    # Friday: one digest in By og Miljø's channel.
    friday = date(2027, 3, 5)
    for day in (date(2027, 3, 2), date(2027, 3, 3), date(2027, 3, 4), friday):
        _tick(env, _at(day, 0, 5))
    _tick(env, _at(friday, 9, 30))
    (digest,) = _posts(env, BY)
    assert "Ugens netværksresultater" in text_of(digest)
    assert "*Skybrudsplan* · netværket *Klimatilpasning* · Anne Jensen" in text_of(digest)
    with freeze_time("2027-03-05 09:00:00", tick=True):
        slack.click("UFATIMA", *button(digest, actions.RESULT_RECOGNISE), message=digest)
        settle(api)
    _, updated = api.find_message(digest["ts"]) or (None, {})
    assert "👏 Anerkendt af Fatima" in text_of(updated)
    _, single = api.find_message(_posts(env, STAB)[0]["ts"]) or (None, {})
    assert "👏 Anerkendt af Fatima" in text_of(single)
    assert api.warnings == []


def test_department_meeting_prompt_invitation_and_follow_up(showcase_env: SlackEnv) -> None:
    """By og Miljø meets every 2nd Thursday at 10:00, counting from Thursday 11 March 2027."""
    env, api, slack = showcase_env, showcase_env.api, showcase_env.slack
    with freeze_time("2027-03-01 08:00:00", tick=True):
        slack.command("ULARS", "afdeling")
        api.wait_for("views.open")
        slack.submit_view(
            "ULARS",
            {"weekday": "3", "time": "10:00", "interval": "2", "anchor": "2027-03-11"},
        )
        wait_dm(api, "ULARS", "er gemt")
        slack.command("UANNE", "resultat")
        _share(env, "UANNE", "Skybrudsplan")
        settle(api)
    # Walk the calendar: the prompt comes Monday 8 March (3 working days before Thursday 11th).
    day = date(2027, 3, 2)
    while day <= date(2027, 3, 8):
        _tick(env, _at(day, 0, 5))
        _tick(env, _at(day, 9, 30))
        if day < date(2027, 3, 8):
            assert not [m for m in api.messages_in("ULARS") if "Afdelingsmøde i" in text_of(m)]
        day += timedelta(days=1)
    prompt = wait_dm(api, "ULARS", "Afdelingsmøde i By og Miljø")
    text = text_of(prompt)
    assert "torsdag d. 11. marts 2027 kl. 10:00" in text
    # Who has something to present comes first, with a button; the others in one line
    # (issue 13: the prompt used to list everyone, each with "no new results").
    assert "*Anne Jensen* – leder *Klimatilpasning*\n• Nyt resultat: Skybrudsplan" in text
    assert "Også i netværk: Søren Kjær" in text and "Ingen nye resultater" not in text
    assert "opfordre medarbejdere, som leder og deltager i netværk" in text
    invites = [b for b in buttons(prompt) if b[0].startswith(actions.MEETING_INVITE)]
    assert len(invites) == 1  # Anne (Søren has nothing new; Ida is not in the department)

    with freeze_time("2027-03-08 09:00:00", tick=True):
        anne_value = next(v for a, v, _ in invites if v.endswith(f":{env.org.anne.id}"))
        slack.click("ULARS", actions.MEETING_INVITE, anne_value, message=prompt)
        invitation = wait_dm(api, "UANNE", "Vil du fortælle om netværksarbejdet?")
        slack.click("ULARS", actions.MEETING_INVITE, anne_value, message=prompt)  # twice
        settle(api)
        assert len([m for m in api.messages_in("UANNE") if "Vil du fortælle" in text_of(m)]) == 1
        slack.click("UANNE", *button(invitation, actions.MEETING_INVITE_ANSWER, 0))
        answer = wait_dm(api, "ULARS", "Anne fortæller gerne om netværksarbejdet")
        assert "torsdag d. 11. marts 2027" in text_of(answer)
        settle(api)
    _, answered = api.find_message(invitation["ts"]) or (None, {})
    assert buttons(answered) == []

    # The working day after (Friday 12th): "Blev netværksarbejdet præsenteret?"
    for day in (date(2027, 3, 9), date(2027, 3, 10), date(2027, 3, 11)):
        _tick(env, _at(day, 0, 5))
    assert not [m for m in api.messages_in("ULARS") if "præsenteret" in text_of(m)]
    _tick(env, _at(date(2027, 3, 12), 0, 5))
    _tick(env, _at(date(2027, 3, 12), 9, 30))
    follow_up = wait_dm(api, "ULARS", "Blev netværksarbejdet præsenteret?")
    with freeze_time("2027-03-12 09:00:00", tick=True):
        slack.click("ULARS", *button(follow_up, actions.MEETING_PRESENTED, 0), message=follow_up)
        settle(api)
    with env.db.session() as s:
        (meeting_answer,) = s.exec(select(MeetingAnswer)).all()
        assert meeting_answer.presented and meeting_answer.meeting_date == date(2027, 3, 11)
        (inv,) = s.exec(select(MeetingInvitation)).all()
        assert inv.status == "accepted"
    # The secretariat sees the count in App Home.
    with freeze_time("2027-03-12 09:00:00", tick=True):
        slack.app_home_opened("UIDA")
        api.wait_for("views.publish")
        settle(api)
    home = api.home_view("UIDA")
    assert home is not None
    assert "netværksarbejdet præsenteret ved 1 af 1 besvarede møder" in text_of(home)
    # The next meeting (25 March) gets its own prompt on Monday 22nd; none in between.
    for day in (date(2027, 3, 15), date(2027, 3, 19)):
        _tick(env, _at(day, 0, 5))
    assert len([m for m in api.messages_in("ULARS") if "Afdelingsmøde i" in text_of(m)]) == 1


def test_joining_an_open_network(showcase_env: SlackEnv) -> None:
    env, api, slack = showcase_env, showcase_env.api, showcase_env.slack
    with freeze_time(MONDAY, tick=True):
        slack.command("UANNE", "deltagere")
        api.wait_for("views.open")
        with env.db.session() as s:
            by = s.exec(select(Department).where(Department.name == "By og Miljø")).one()
        slack.submit_view(
            "UANNE", {"departments": [str(by.id)], "note": "Erfaring med borgerinddragelse"}
        )
        wait_dm(api, "UANNE", "søger deltagere” er delt i: By og Miljø")
        settle(api)
        (post,) = _posts(env, BY)
        assert "Netværket Klimatilpasning søger deltagere" in text_of(post)
        slack.click("UFATIMA", *button(post, actions.OPEN_CALL_JOIN), message=post)
        request = wait_dm(api, "UANNE", "Fatima Ali (By og Miljø) vil gerne være med")
        slack.click("UFATIMA", *button(post, actions.OPEN_CALL_JOIN), message=post)  # twice
        api.wait_for_response(lambda r: "already asked" in str(r.payload))
        slack.click("UANNE", *button(request, actions.JOIN_DECIDE, 0), message=request)
        wait_dm(api, "UFATIMA", "Welcome to the network Klimatilpasning")
        told = wait_dm(api, "ULARS", "Fatima Ali er med i et netværk")
        assert button(told, actions.BOOKING_OPEN)[1] == str(env.org.fatima.id)
        settle(api)
    with env.db.session() as s:
        (join_request,) = s.exec(select(JoinRequest)).all()
        assert join_request.status == "accepted"
        members = s.exec(
            select(NetworkMember.person_id).where(NetworkMember.network_id == env.org.network.id)
        ).all()
        assert env.org.fatima.id in members
    assert api.warnings == []
