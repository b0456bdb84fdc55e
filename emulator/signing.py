"""Slack's request signing (what `slack_sdk.signature.SignatureVerifier` checks).

`X-Slack-Signature` is "v0=" + hex HMAC-SHA256 of "v0:{timestamp}:{body}" keyed with the
app's signing secret; `X-Slack-Request-Timestamp` is the Unix time of sending. Apps reject
a timestamp more than five minutes away from their own clock.
"""

from __future__ import annotations

import hashlib
import hmac


def signature(secret: str, timestamp: str, body: str) -> str:
    digest = hmac.new(
        secret.encode("utf-8"), f"v0:{timestamp}:{body}".encode(), hashlib.sha256
    ).hexdigest()
    return f"v0={digest}"


def signed_headers(secret: str, timestamp: str, body: str, content_type: str) -> dict[str, str]:
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature(secret, timestamp, body),
        "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    }
