"""Field encryption: AES-256-GCM with a key id stored beside each ciphertext.

Keys come from FIELD_ENCRYPTION_KEYS ("id:base64key,..."); the first key encrypts and every
key decrypts, so keys rotate by adding a new first key and running ``manage.py reencrypt``.
Ciphertext format: ``v1:<key id>:<base64(nonce || ciphertext || tag)>``.
"""

from __future__ import annotations

import base64
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_PREFIX = "v1"
_NONCE_BYTES = 12


@lru_cache(maxsize=8)
def _parse_keys(raw: str) -> tuple[tuple[str, bytes], ...]:
    keys: list[tuple[str, bytes]] = []
    for item in raw.split(","):
        item = item.strip()
        if not item:
            continue
        key_id, _, encoded = item.partition(":")
        key = base64.b64decode(encoded)
        if len(key) != 32 or not key_id or ":" in key_id:
            raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS entry {key_id!r} must be 'id:base64 of 32 bytes'.")
        keys.append((key_id, key))
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    return tuple(keys)


def keys() -> tuple[tuple[str, bytes], ...]:
    return _parse_keys(settings.FIELD_ENCRYPTION_KEYS)


def current_key_id() -> str:
    return keys()[0][0]


def encrypt_text(plaintext: str, *, associated_data: bytes = b"") -> str:
    key_id, key = keys()[0]
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), associated_data or None)
    return f"{_PREFIX}:{key_id}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def key_id_of(ciphertext: str) -> str:
    return ciphertext.split(":", 2)[1]


def decrypt_text(ciphertext: str, *, associated_data: bytes = b"") -> str:
    prefix, key_id, encoded = ciphertext.split(":", 2)
    if prefix != _PREFIX:
        raise ValueError("Unknown ciphertext format")
    key = dict(keys()).get(key_id)
    if key is None:
        raise ImproperlyConfigured(f"No field encryption key with id {key_id!r}: it may have been removed too early.")
    raw = base64.b64decode(encoded)
    return AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], associated_data or None).decode("utf-8")
