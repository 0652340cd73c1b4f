from dsip.audit.models import AuditEntry
from dsip.regions.models import Division, Level
from dsip.regions.services import divisions_load_base
from dsip.regions.services.base import SOURCE_BASE


def test_load_base_builds_the_province_prefecture_county_tree(db):
    report = divisions_load_base()

    assert report.created == Division.objects.count()
    assert Division.objects.filter(level=Level.PROVINCE, abolished=False).count() == 34
    assert 2800 <= Division.objects.filter(level=Level.COUNTY, abolished=False).count() <= 3000
    wuchang = Division.objects.get(code="420106")
    assert (wuchang.name, wuchang.parent_id, wuchang.level) == ("武昌区", "4201", Level.COUNTY)
    hubei_prefectures = set(Division.objects.filter(parent_id="42").values_list("code", flat=True))
    assert {"4201", "4228", "4290"} <= hubei_prefectures
    assert AuditEntry.objects.filter(action="regions.load_base").count() == 1


def test_municipalities_and_special_cases_keep_the_2_4_6_hierarchy(db):
    divisions_load_base()

    beijing = Division.objects.get(code="1101")
    assert beijing.name == "北京市市辖区" and beijing.parent_id == "11"
    assert Division.objects.get(code="110105").parent_id == "1101"
    assert Division.objects.get(code="5002").parent_id == "50"  # 重庆市县
    assert Division.objects.get(code="429004").parent_id == "4290"  # 仙桃, province-administered
    assert Division.objects.get(code="71").name == "台湾省"
    assert Division.objects.filter(code__in=["81", "82"]).count() == 2
    # Every stored non-province division's parent is its code prefix.
    for code, parent in Division.objects.exclude(level=Level.PROVINCE).values_list("code", "parent_id"):
        assert code.startswith(parent)


def test_abolished_counties_resolve_for_old_id_numbers(db):
    divisions_load_base()

    chongwen = Division.objects.get(code="110103")
    assert chongwen.name == "崇文区" and chongwen.abolished and chongwen.source == "abolished"
    assert Division.objects.active().filter(code="110103").count() == 0


def test_load_base_is_idempotent_and_updates_without_deleting(db):
    divisions_load_base()
    total = Division.objects.count()
    Division.objects.filter(code="420106").update(name="旧名")
    Division.objects.create(code="429999", name="消失的县", level=6, parent_id="4290", source=SOURCE_BASE)

    report = divisions_load_base()

    assert Division.objects.count() == total + 1
    assert Division.objects.get(code="420106").name == "武昌区"
    assert Division.objects.get(code="429999").abolished is True
    assert (report.created, report.updated, report.abolished) == (0, 1, 1)
