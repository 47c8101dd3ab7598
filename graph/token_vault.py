"""OAuth tokens at rest: one file in the data directory, each connection's tokens encrypted
(Fernet: AES-128-CBC with an HMAC-SHA256 tag) under a key from the environment.

The key is any string of at least 32 characters (``python -c "import secrets;
print(secrets.token_urlsafe(32))"``); the Fernet key is its SHA-256. Losing it loses the
tokens, not data: connections are then authorized again. Writes replace the file
atomically, readable by its owner only.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from adapters.oauth import OAuthTokens

MIN_KEY_LENGTH = 32


class TokenKeyError(ValueError):
    pass


def fernet_for(key: str) -> Fernet:
    if len(key) < MIN_KEY_LENGTH:
        raise TokenKeyError(f"the token key must be at least {MIN_KEY_LENGTH} characters")
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()))


class EncryptedTokenFile:
    """A ``TokenStore`` (``adapters.oauth``) in one JSON file of encrypted records."""

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self._fernet = fernet_for(key)

    def load(self, key: str) -> OAuthTokens | None:
        sealed = self._records().get(key)
        if sealed is None:
            return None
        try:
            plain = self._fernet.decrypt(sealed.encode())
        except InvalidToken:
            return None  # sealed under another key: as good as never authorized
        return OAuthTokens.from_json(json.loads(plain))

    def save(self, key: str, tokens: OAuthTokens) -> None:
        records = self._records()
        records[key] = self._fernet.encrypt(json.dumps(tokens.to_json()).encode()).decode()
        self._write(records)

    def forget(self, key: str) -> None:
        records = self._records()
        if records.pop(key, None) is not None:
            self._write(records)

    def _records(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _write(self, records: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".oauth-tokens-")
        try:
            with os.fdopen(fd, "w") as out:
                json.dump(records, out)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
