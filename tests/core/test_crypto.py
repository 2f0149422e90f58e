import base64

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured

from waymark.core import crypto

KEY_A = "a:" + base64.b64encode(b"A" * 32).decode()
KEY_B = "b:" + base64.b64encode(b"B" * 32).decode()
INDEX_KEY = "i1:" + base64.b64encode(b"I" * 32).decode()


@pytest.fixture
def key_a(settings):
    settings.FIELD_ENCRYPTION_KEYS = KEY_A
    settings.BLIND_INDEX_KEY = ""
    return settings


def test_round_trip_names_the_key_and_hides_the_text(key_a):
    sealed = crypto.encrypt_text("12 Acacia Avenue")
    assert sealed.startswith("v1:a:")
    assert "Acacia" not in sealed
    assert crypto.decrypt_text(sealed) == "12 Acacia Avenue"


def test_same_text_encrypts_differently_each_time(key_a):
    assert crypto.encrypt_text("same") != crypto.encrypt_text("same")


def test_ciphertext_bound_to_its_column(key_a):
    sealed = crypto.encrypt_text("07700900123", associated_data=b"people.contactchannel.value")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(sealed, associated_data=b"people.address.line1")


def test_tampered_ciphertext_refused_without_echoing_it(key_a):
    sealed = crypto.encrypt_text("secret")
    prefix, key_id, body = sealed.split(":", 2)
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError) as caught:
        crypto.decrypt_text(f"{prefix}:{key_id}:{base64.b64encode(bytes(raw)).decode()}")
    assert "secret" not in str(caught.value)


def test_first_key_encrypts_and_every_key_decrypts(settings, key_a):
    under_a = crypto.encrypt_text("value")
    settings.FIELD_ENCRYPTION_KEYS = f"{KEY_B},{KEY_A}"
    assert crypto.key_id_of(crypto.encrypt_text("value")) == "b"
    assert crypto.decrypt_text(under_a) == "value"


def test_removed_key_is_reported_by_id(settings, key_a):
    under_a = crypto.encrypt_text("value")
    settings.FIELD_ENCRYPTION_KEYS = KEY_B
    with pytest.raises(ImproperlyConfigured, match="'a'"):
        crypto.decrypt_text(under_a)


@pytest.mark.parametrize(
    "raw",
    ["", "nokey", "short:" + base64.b64encode(b"x" * 16).decode(), "bad:!!!not-base64", f"{KEY_A},{KEY_A}"],
)
def test_bad_key_configuration_refused(settings, raw):
    settings.FIELD_ENCRYPTION_KEYS = raw
    with pytest.raises(ImproperlyConfigured):
        crypto.keys()


def test_blind_index_is_keyed_and_separates_kinds(key_a):
    digest = crypto.keyed_digest("phone", "07700900123")
    assert digest.startswith("f-a:")
    assert "07700900123" not in digest
    assert digest == crypto.keyed_digest("phone", "07700900123")
    assert digest != crypto.keyed_digest("email", "07700900123")


def test_derived_index_key_follows_first_field_key(settings, key_a):
    before = crypto.keyed_digest("postcode", "SW1A 1AA")
    settings.FIELD_ENCRYPTION_KEYS = f"{KEY_B},{KEY_A}"
    assert crypto.keyed_digest("postcode", "SW1A 1AA") != before


def test_separate_index_key_survives_field_key_rotation(settings, key_a):
    settings.BLIND_INDEX_KEY = INDEX_KEY
    before = crypto.keyed_digest("postcode", "SW1A 1AA")
    assert before.startswith("i1:")
    settings.FIELD_ENCRYPTION_KEYS = f"{KEY_B},{KEY_A}"
    assert crypto.keyed_digest("postcode", "SW1A 1AA") == before


@pytest.mark.django_db
def test_encrypted_field_cannot_be_searched():
    from waymark.people.models import Address

    with pytest.raises(FieldError, match="blind index"):
        list(Address.objects.filter(postcode="SW1A 1AA"))
    assert list(Address.objects.filter(postcode__isnull=True)) == []
