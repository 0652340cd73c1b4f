"""The division picker: field errors, the scoped children partial, the demo page."""

import pytest
from django.urls import reverse

from dsip.regions.forms import DivisionField, DivisionPickerForm
from tests.factories import DivisionFactory


@pytest.fixture
def hongshan_township(hongshan):
    return DivisionFactory(code="420111001", name="珞南街道", level=9, parent=hongshan)


def errors_for(user, value):
    form = DivisionPickerForm({"division": value}, user=user)
    assert not form.is_valid()
    return [e.code for e in form.errors.as_data()["division"]]


def test_field_accepts_official_forms_inside_scope(wuchang_clerk, wuchang_township):
    for typed in ("420106001", "420106001000", "４２０１０６００１", " 420106001 "):
        form = DivisionPickerForm({"division": typed}, user=wuchang_clerk)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["division"] == "420106001"


def test_field_takes_the_deepest_chosen_select(wuchang_clerk, wuchang_township):
    data = {"division__2": "42", "division__4": "4201", "division__6": "420106", "division__9": "420106001"}
    form = DivisionPickerForm(data, user=wuchang_clerk)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["division"] == "420106001"


def test_field_errors_for_malformed_unknown_and_out_of_scope_codes(wuchang_clerk, hongshan_township):
    assert errors_for(wuchang_clerk, "4201x6") == ["invalid"]
    assert errors_for(wuchang_clerk, "420106000001") == ["invalid"]
    assert errors_for(wuchang_clerk, "420106077") == ["unknown_division"]
    assert errors_for(wuchang_clerk, "420111001") == ["out_of_scope"]
    assert errors_for(wuchang_clerk, "42") == ["out_of_scope"]  # an ancestor is not inside the region


def test_field_without_user_or_scope_refuses_everything(wuchang):
    with pytest.raises(Exception) as exc:
        DivisionField().clean("420106")
    assert exc.value.code == "out_of_scope"
    assert DivisionField(scope="").clean("420106000000") == "420106"


def test_rendered_picker_has_labelled_selects_and_a_text_fallback(wuchang_clerk, wuchang_township, english):
    html = str(DivisionPickerForm(user=wuchang_clerk)["division"])

    assert 'name="division"' in html and 'type="text"' in html
    assert '<label for="id_division__9">' in html
    assert 'hx-get="/regions/children"' in html and 'hx-target="#id_division__9"' in html
    assert "积玉桥街道" in html  # the clerk's own county is preselected, its townships listed
    assert "choose the level above first" in html  # villages wait for a township
    assert "洪山区" not in html
    assert "<script>" not in html and "style=" not in html


def test_children_partial_lists_only_visible_children(client, wuchang_clerk, hongshan):
    client.force_login(wuchang_clerk)

    html = client.get(reverse("regions:children"), {"parent": "4201"}).content.decode()

    assert 'value="420106"' in html
    assert "420111" not in html


def test_hongshan_clerk_cannot_list_wuchangs_townships(client, hongshan_clerk, wuchang_township):
    client.force_login(hongshan_clerk)

    response = client.get(reverse("regions:children"), {"parent": "420106"})

    assert response.status_code == 404
    assert "积玉桥街道" not in response.content.decode()


def test_children_partial_for_own_county(client, wuchang_clerk, wuchang_township):
    client.force_login(wuchang_clerk)

    response = client.get(reverse("regions:children"), {"parent": "420106000000"})

    assert response.status_code == 200
    assert '<option value="420106001">积玉桥街道</option>' in response.content.decode()


def test_children_requires_sign_in(client, wuchang):
    assert client.get(reverse("regions:children"), {"parent": "42"}).status_code == 302


def test_picker_page_shows_errors_tied_to_the_field_and_the_chosen_path(client, wuchang_clerk, wuchang_township):
    client.force_login(wuchang_clerk)

    bad = client.post(reverse("regions:picker"), {"division": "999"}).content.decode()
    assert 'aria-describedby="id_division_helptext id_division_error"' in bad
    assert 'id="id_division_error"' in bad
    assert 'aria-invalid="true"' in bad

    good = client.post(reverse("regions:picker"), {"division": "420106001"}).content.decode()
    assert "湖北省" in good and "积玉桥街道" in good
    assert "regions/picker.js" in good
