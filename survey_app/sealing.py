"""Sealed storage: rows whose content only a key holder can read, so that whoever reads the
database files, dead rows included, learns nothing from them.

``seal``/``unseal`` use AES-GCM (from the ``cryptography`` package) with a fresh 96-bit nonce per
message; the nonce is stored in front of the ciphertext. Two kinds of key:

- a key the respondent's browser holds (``new_key``), for answers in progress: the server keeps
  it only in the signed session cookie it sends back, never in the database, so a deleted draft
  cannot be read by anyone once the browser has gone;
- a key derived from the app's ``SECRET_KEY`` for one purpose (``app_key``), for submissions
  waiting in the mixing pool: the database alone does not hold it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


class Unreadable(ValueError):
    """Sealed bytes that this key cannot open (another key, or altered)."""


def new_key() -> str:
    """A fresh 256-bit key, as URL-safe text for a cookie."""
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode("ascii")


def app_key(secret_key: str | bytes, purpose: str) -> str:
    """A 256-bit key for one purpose, derived from the app's secret key (HMAC-SHA256)."""
    secret = secret_key.encode("utf-8") if isinstance(secret_key, str) else secret_key
    digest = hmac.new(secret, f"exitvoice sealing key: {purpose}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def seal(key: str, payload: Any) -> bytes:
    """``payload`` (anything JSON can hold) encrypted and authenticated with ``key``."""
    nonce = os.urandom(NONCE_BYTES)
    plain = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return nonce + AESGCM(base64.urlsafe_b64decode(key)).encrypt(nonce, plain, None)


def unseal(key: str, sealed: bytes) -> Any:
    """The payload ``seal`` wrapped; ``Unreadable`` if the key is wrong or the bytes were changed."""
    try:
        raw = AESGCM(base64.urlsafe_b64decode(key)).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], None)
    except (InvalidTag, ValueError, TypeError) as exc:
        raise Unreadable("sealed data cannot be opened with this key") from exc
    return json.loads(raw)
