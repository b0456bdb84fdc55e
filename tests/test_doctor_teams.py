"""`netvaerk doctor` on a Teams deployment, against the Microsoft emulator over real HTTPS:
the bot's token, the keys Teams signs with, and no Slack findings when Slack is not used."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.core.i18n import Translator
from bot.core.settings import Settings
from bot.operations.findings import Level, render_json, render_text
from emulator.microsoft import MicrosoftCloud
from netvaerk.doctor import diagnose
from platforms.slack.doctor import DEFAULT_MANIFEST
from storage.db import Database
from storage.models import Department

SLACK_CHECKS = {"token", "scopes", "mode"}


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[MicrosoftCloud]:
    with MicrosoftCloud() as cloud:
        for key in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
            monkeypatch.setenv(key, str(cloud.ca_file))
        yield cloud


def teams_only(cloud: MicrosoftCloud, db: Database, **changes: object) -> Settings:
    values: dict[str, object] = {
        "slack_bot_token": None,
        "slack_signing_secret": None,
        "slack_app_token": None,
        "database_url": db.url,
        **cloud.teams_settings(),
    }
    values.update(changes)
    return Settings(**values)  # type: ignore[arg-type]


def test_a_working_teams_deployment_has_no_slack_findings(
    cloud: MicrosoftCloud, db: Database
) -> None:
    report, _at = diagnose(teams_only(cloud, db), "en", DEFAULT_MANIFEST)
    by_check = {f.check: f for f in report.findings}
    assert by_check["teams_token"].level is Level.OK
    assert by_check["teams_keys"].level is Level.OK
    assert not SLACK_CHECKS & by_check.keys()
    assert [call.status for call in cloud.calls_to("token")] == [200]
    text = render_text(report, Translator("en"), "check")
    assert "The bot can get its own token from Microsoft Entra" in text


def test_a_wrong_secret_is_named_with_what_to_do_and_never_shown(
    cloud: MicrosoftCloud, db: Database
) -> None:
    settings = teams_only(cloud, db, teams_client_secret="an-expired-secret")
    report, at = diagnose(settings, "da", DEFAULT_MANIFEST)
    token = next(f for f in report.findings if f.check == "teams_token")
    assert token.level is Level.PROBLEM and report.exit_code() == 1
    assert token.details == {"error": "token refused: invalid_client"}
    t = Translator("da")
    text = render_text(report, t, "tjek")
    assert "Botten kan ikke hente sin token hos Microsoft Entra" in text
    assert "Certificates & secrets" in text  # what to do
    for shown in (text, render_json(report, t, at)):
        assert "an-expired-secret" not in shown and cloud.app_secret not in shown


def test_unreachable_signing_keys_are_a_problem(cloud: MicrosoftCloud, db: Database) -> None:
    missing = f"{cloud.base_url}/nowhere/.well-known/openidconfiguration"
    report, _at = diagnose(
        teams_only(cloud, db, teams_openid_metadata_url=missing), "en", DEFAULT_MANIFEST
    )
    keys = next(f for f in report.findings if f.check == "teams_keys")
    assert keys.level is Level.PROBLEM and keys.details == {"error": "HTTP 404"}


def test_departments_without_a_teams_channel_are_named(cloud: MicrosoftCloud, db: Database) -> None:
    with db.session() as session:
        session.add(Department(name="By og Miljø", teams_channel="19:bymiljoe@thread.tacv2"))
        session.add(Department(name="Børn og Skole", channel="C0BOERNSKO"))  # Slack's only
        session.add(Department(name="Kultur og Fritid"))
        session.commit()
    report, _at = diagnose(teams_only(cloud, db), "en", DEFAULT_MANIFEST)
    channels = [f for f in report.findings if f.check == "channels"]
    assert [(f.key, f.values) for f in channels] == [
        ("no_teams_channel", {"departments": "Børn og Skole, Kultur og Fritid"})
    ]
    text = render_text(report, Translator("en"), "check")
    assert "Departments without a Teams channel" in text and "teams_channel column" in text
