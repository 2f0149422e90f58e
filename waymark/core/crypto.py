"""Field encryption (AES-256-GCM, key id stored beside each ciphertext) and keyed blind indexes.

Keys come from FIELD_ENCRYPTION_KEYS ("id:base64key,..."); the first key encrypts and every
key decrypts, so keys rotate by adding a new first key and running ``manage.py reencrypt``.
Ciphertext format: ``v1:<key id>:<base64(nonce || ciphertext || tag)>``.

Encrypted values cannot be searched. Where an exact lookup is needed (matching a postcode or a
phone number), a *blind index* is stored beside the ciphertext: HMAC-SHA256 of the normalised
value under a separate index key, written ``<index key id>:<hex digest>``. The index key is
BLIND_INDEX_KEY when set (so field keys rotate without touching indexes), otherwise derived from
the first field key with HKDF (and ``reencrypt`` rebuilds indexes when that key changes).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models

_PREFIX = "v1"
_NONCE_BYTES = 12
_INDEX_INFO = b"waymark blind index v1"


class DecryptionError(Exception):
    """A stored value could not be decrypted. The message never contains the value."""


def _parse_key_list(raw: str, setting: str) -> tuple[tuple[str, bytes], ...]:
    keys: list[tuple[str, bytes]] = []
    for item in raw.split(","):
        item = item.strip()
        if not item:
            continue
        key_id, _, encoded = item.partition(":")
        try:
            key = base64.b64decode(encoded, validate=True)
        except ValueError:
            key = b""
        if len(key) != 32 or not key_id:
            raise ImproperlyConfigured(f"{setting} entry {key_id!r} must be 'id:base64 of 32 bytes'.")
        if any(existing == key_id for existing, _ in keys):
            raise ImproperlyConfigured(f"{setting} names key id {key_id!r} twice.")
        keys.append((key_id, key))
    return tuple(keys)


@lru_cache(maxsize=8)
def _parse_keys(raw: str) -> tuple[tuple[str, bytes], ...]:
    keys = _parse_key_list(raw, "FIELD_ENCRYPTION_KEYS")
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    return keys


def keys() -> tuple[tuple[str, bytes], ...]:
    """Every configured field key, (id, key), the encrypting key first."""
    return _parse_keys(settings.FIELD_ENCRYPTION_KEYS)


def current_key_id() -> str:
    return keys()[0][0]


def encrypt_text(plaintext: str, *, associated_data: bytes = b"") -> str:
    """Encrypts under the first key. ``associated_data`` binds the ciphertext to its column."""
    key_id, key = keys()[0]
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), associated_data or None)
    return f"{_PREFIX}:{key_id}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def key_id_of(ciphertext: str) -> str:
    return ciphertext.split(":", 2)[1]


def is_ciphertext(value: str) -> bool:
    return value.startswith(_PREFIX + ":") and value.count(":") >= 2


def decrypt_text(ciphertext: str, *, associated_data: bytes = b"") -> str:
    prefix, key_id, encoded = ciphertext.split(":", 2)
    if prefix != _PREFIX:
        raise DecryptionError("Unknown ciphertext format")
    key = dict(keys()).get(key_id)
    if key is None:
        raise ImproperlyConfigured(f"No field encryption key with id {key_id!r}: it may have been removed too early.")
    raw = base64.b64decode(encoded)
    try:
        plaintext = AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], associated_data or None)
    except InvalidTag:
        # Wrong key, tampered value, or a ciphertext copied from another column.
        raise DecryptionError(f"Stored value under key {key_id!r} failed authentication") from None
    return plaintext.decode("utf-8")


def reencrypt_text(ciphertext: str, *, associated_data: bytes = b"") -> str:
    """``ciphertext`` under the current first key: itself when it is already under that key.

    For values kept outside an ``EncryptedTextField`` (a queued job's arguments, see
    ``waymark.core.tasks.reencrypt_job_arguments``); a field is re-encrypted by saving it.
    """
    if key_id_of(ciphertext) == current_key_id():
        return ciphertext
    return encrypt_text(decrypt_text(ciphertext, associated_data=associated_data), associated_data=associated_data)


# --- Blind indexes --------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _index_key(raw_index_key: str, first_field_key_id: str) -> tuple[str, bytes]:
    if raw_index_key:
        parsed = _parse_key_list(raw_index_key, "BLIND_INDEX_KEY")
        if len(parsed) != 1:
            raise ImproperlyConfigured("BLIND_INDEX_KEY must be one 'id:base64 of 32 bytes'.")
        return parsed[0]
    field_key = dict(keys())[first_field_key_id]
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INDEX_INFO).derive(field_key)
    return f"f-{first_field_key_id}", derived


def index_key() -> tuple[str, bytes]:
    """(id, key) of the blind-index key in use now."""
    return _index_key(getattr(settings, "BLIND_INDEX_KEY", ""), current_key_id())


def index_key_id() -> str:
    return index_key()[0]


def keyed_digest(domain: str, normalised: str) -> str:
    """``<key id>:<HMAC-SHA256 hex>`` of an already-normalised value.

    ``domain`` separates kinds of value, so equal strings of different kinds never share an index.
    """
    key_id, key = index_key()
    mac = hmac.new(key, domain.encode("utf-8") + b"\x00" + normalised.encode("utf-8"), hashlib.sha256)
    return f"{key_id}:{mac.hexdigest()}"


# --- The model field ------------------------------------------------------------------------


class EncryptedTextField(models.TextField):
    """Text encrypted at rest with AES-256-GCM; Python code sees plaintext.

    The ciphertext is bound to its column (``app_label.model.field`` as associated data), so a
    value copied into another column will not decrypt. Empty values are stored as "" (nothing to
    protect). Encrypted columns cannot be filtered except with ``isnull``: use a blind index.
    """

    description = "Text encrypted at rest (AES-256-GCM)"

    def _associated_data(self) -> bytes:
        return f"{self.model._meta.label_lower}.{self.name}".encode()

    def encrypt(self, value: str) -> str:
        """The stored form of ``value`` (for bulk paths that bypass the ORM, e.g. COPY)."""
        return encrypt_text(value, associated_data=self._associated_data()) if value else ""

    def decrypt(self, stored: str | None) -> str | None:
        if not stored:
            return stored
        return decrypt_text(stored, associated_data=self._associated_data())

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        return self.decrypt(value)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)
        if value is None or value == "":
            return value
        return self.encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise FieldError(
                f"Encrypted field {self.name!r} cannot be searched with {lookup_name!r}: use its blind index."
            )
        return super().get_lookup(lookup_name)
