"""`dsip keys_generate` prints keys that the settings and the cipher accept."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dsip.core.crypto import FieldCipher, _decode_key, parse_field_keys


def _generate(*args: str) -> dict[str, str]:
    out = StringIO()
    call_command("keys_generate", *args, stdout=out, stderr=StringIO())
    return dict(line.split("=", 1) for line in out.getvalue().splitlines())


def test_printed_keys_seal_and_open_a_value():
    values = _generate("--kid", "k2031")
    assert len(values["DSIP_SECRET_KEY"]) >= 50
    keys = parse_field_keys(values["DSIP_FIELD_KEYS"])
    assert keys[0].key_id == "k2031"
    cipher = FieldCipher(keys, _decode_key("DSIP_INDEX_KEY", values["DSIP_INDEX_KEY"]))
    assert cipher.open(cipher.seal("11010519491231002X")) == "11010519491231002X"


def test_each_run_prints_new_secrets():
    assert _generate()["DSIP_FIELD_KEYS"] != _generate()["DSIP_FIELD_KEYS"]


def test_field_key_only_prints_one_ring_entry_for_rotation():
    out = StringIO()
    call_command("keys_generate", "--field-key-only", "--kid", "k2", stdout=out)
    entry = out.getvalue().strip()
    assert entry.startswith("k2:")
    assert [k.key_id for k in parse_field_keys(f"{entry},old:{entry.split(':', 1)[1]}")] == ["k2", "old"]


def test_bad_key_id_is_refused():
    with pytest.raises(CommandError, match="--kid"):
        call_command("keys_generate", "--kid", "no-dashes")
