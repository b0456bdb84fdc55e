from __future__ import annotations

from collections.abc import Iterator

import pytest

from emulator.microsoft import MicrosoftCloud


@pytest.fixture
def cloud() -> Iterator[MicrosoftCloud]:
    with MicrosoftCloud() as running:
        yield running


@pytest.fixture
def trust(cloud: MicrosoftCloud, monkeypatch: pytest.MonkeyPatch) -> MicrosoftCloud:
    """Trust the cloud's local CA the standard way (DESIGN.md §4), as the bot's process does."""
    monkeypatch.setenv("SSL_CERT_FILE", str(cloud.ca_file))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cloud.ca_file))
    return cloud
