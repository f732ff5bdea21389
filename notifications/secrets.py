"""Channel secrets at rest: a Fernet token (AES-128-CBC + HMAC-SHA256) of a small JSON dict.

The key is `CHANNEL_SECRETS_KEY` (a Fernet key, `Fernet.generate_key()`) when set, otherwise
derived from SECRET_KEY with HKDF-SHA256 under a purpose label, so it is never the signing key
itself. Changing the key makes stored secrets unreadable: the channel page then says
"密钥无法解密，请重新填写" and the office enters them again. Secrets are never sent back to a
browser; forms only learn *whether* one is set.
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SecretUnreadable(Exception):
    """The stored token cannot be decrypted with the current key."""


@lru_cache(maxsize=4)
def _fernet(configured: str, secret_key: str) -> Fernet:
    if configured:
        return Fernet(configured.encode())
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"qingfeng-channel-secrets",
        info=b"notifications.ChannelConfig.secret",
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def fernet() -> Fernet:
    from notifications.conf import _env

    return _fernet(_env("CHANNEL_SECRETS_KEY", ""), settings.SECRET_KEY)


def seal(values: dict[str, str]) -> str:
    """The token to store for these secrets ("" when there are none)."""
    values = {k: v for k, v in values.items() if v}
    if not values:
        return ""
    return fernet().encrypt(json.dumps(values, ensure_ascii=False).encode()).decode()


def unseal(token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        return json.loads(fernet().decrypt(token.encode()))
    except (InvalidToken, ValueError) as exc:
        raise SecretUnreadable from exc
