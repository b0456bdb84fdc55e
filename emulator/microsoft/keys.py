"""The emulator's signing key: it signs the tokens Microsoft would sign.

Two kinds of token pass between the bot and Microsoft, both RS256 JWTs:
- the Bot Framework's token on every activity sent to the bot (issuer
  `https://api.botframework.com`, audience the bot's app id, a `serviceurl` claim), verified by
  the bot against the keys published at the OpenID metadata's `jwks_uri`;
- the access tokens Entra issues to the bot (client credentials), presented to the Bot Connector
  and to Graph, which the emulator verifies itself.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Mapping
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class SigningKey:
    """One RSA key with a key id, as published in a JWKS."""

    def __init__(self, kid: str | None = None) -> None:
        self.kid = kid or secrets.token_hex(8)
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def sign(self, claims: Mapping[str, Any], headers: Mapping[str, Any] | None = None) -> str:
        return jwt.encode(
            dict(claims), self._key, algorithm="RS256", headers={"kid": self.kid, **(headers or {})}
        )

    def verify(self, token: str, audience: str | list[str], now: float) -> dict[str, Any]:
        """The claims of a token this key signed; raises `jwt.InvalidTokenError` otherwise.

        `now` is the caller's clock (the app's, frozen or not) so expiry agrees with the bot.
        """
        claims: dict[str, Any] = jwt.decode(
            token,
            self._key.public_key(),
            algorithms=["RS256"],
            audience=audience,
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
        )
        if float(claims.get("exp", 0)) < now:
            raise jwt.ExpiredSignatureError("expired")
        return claims

    def jwk(self, endorsements: tuple[str, ...] = ()) -> dict[str, Any]:
        numbers = self._key.public_key().public_numbers()
        key: dict[str, Any] = {
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": _b64(numbers.n),
            "e": _b64(numbers.e),
        }
        if endorsements:
            key["endorsements"] = list(endorsements)
        return key
