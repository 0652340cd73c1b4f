"""What audit_record writes: who, what, where, and never a raw ID or phone number."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from dsip.audit.models import AuditEntry
from dsip.audit.redaction import UnmaskedValueError, assert_masked, find_unmasked
from dsip.audit.services import audit_record
from dsip.audit.verify import verify_chain
from dsip.core import context
from dsip.core.masking import mask_id_number, mask_phone

pytestmark = pytest.mark.django_db

RAW_ID = "11010519491231002X"
RAW_PHONE = "13812345678"


def _all_text(entry: AuditEntry) -> str:
    return json.dumps(entry.changes, ensure_ascii=False) + entry.reason


def test_masked_values_pass_through_unchanged(wuchang_clerk):
    changes = {"id_number": {"from": mask_id_number(RAW_ID), "to": mask_id_number("420106199001011234")},
               "phone": {"to": mask_phone(RAW_PHONE)}}
    assert_masked(changes)
    entry = audit_record(action="person.edit", object_type="person", object_id=7, division_code="420106",
                         changes=changes, actor=wuchang_clerk)
    entry.refresh_from_db()
    assert entry.changes == changes
    assert entry.actor_username == "wuchang_clerk"
    assert entry.org_unit_id == wuchang_clerk.org_unit_id


def test_a_raw_id_or_phone_passed_by_mistake_is_masked_before_it_is_stored():
    entry = audit_record(action="person.edit", changes={"note": f"ID {RAW_ID}, phone {RAW_PHONE}",
                                                        "cert": RAW_ID + "41", "n": 420106199001011234},
                         reason=f"typed {RAW_ID}")
    entry.refresh_from_db()
    text = _all_text(entry)
    assert RAW_ID not in text and RAW_PHONE not in text and "420106199001011234" not in text
    assert find_unmasked(entry.changes) == [] and find_unmasked(entry.reason) == []
    assert "1101**********002X" in text
    assert verify_chain().ok


def test_no_entry_ever_contains_an_18_digit_id_pattern(wuchang_clerk):
    for value in (RAW_ID, RAW_ID.lower(), f"x{RAW_ID}y", RAW_ID + "41B2"):
        audit_record(action="person.edit", changes={"v": value}, actor=wuchang_clerk)
    for entry in AuditEntry.objects.all():
        assert find_unmasked(entry.changes) == [], entry.changes


def test_hashes_and_request_ids_are_not_mistaken_for_id_numbers():
    digest = "4201061990010112341234567890abcdef4201061990010112341234567890ab"
    assert find_unmasked({"through_hash": digest}) == []


def test_assert_masked_refuses_raw_values_without_repeating_them():
    with pytest.raises(UnmaskedValueError) as exc:
        assert_masked({"phone": RAW_PHONE})
    assert RAW_PHONE not in str(exc.value)


def test_the_request_context_supplies_actor_ip_and_request_id(wuchang_clerk):
    with context.actor_context(user=wuchang_clerk, ip="10.0.0.8", channel="web") as ctx:
        entry = audit_record(action="person.view", object_type="person", object_id=0)
    assert entry.actor_id == wuchang_clerk.pk
    assert entry.ip == "10.0.0.8"
    assert entry.request_id == ctx.request_id
    assert entry.channel == "web"
    assert entry.object_id == "0"


def test_floats_and_odd_values_still_verify_after_a_round_trip():
    audit_record(action="test", changes={"score": 1e20, "neg": -0.0, "set": {3, 1}, "nul": "a\x00b", 5: "x"})
    assert verify_chain().ok


def test_an_unknown_outcome_is_a_programming_error():
    with pytest.raises(ValidationError):
        audit_record(action="test", outcome="maybe")
    assert AuditEntry.objects.count() == 0


def test_a_rolled_back_change_leaves_no_entry():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action="person.edit")
        raise RuntimeError
    assert AuditEntry.objects.count() == 0
    audit_record(action="person.edit")
    assert verify_chain().ok
