"""factory_boy factories shared by all test packages."""

from __future__ import annotations

import factory

from dsip.accounts.models import OrgKind, OrgLevel, OrgUnit, User
from dsip.regions.models import Division

TEST_PASSWORD = "Corr3ct-Horse-Battery!"


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("code",)

    code = "42"
    name = factory.LazyAttribute(lambda o: f"区划{o.code}")
    level = factory.LazyAttribute(lambda o: len(o.code))
    parent = None


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("name", "division_code")

    name = factory.LazyAttribute(lambda o: f"{o.division.name if o.division else '中国'}残联")
    kind = OrgKind.FEDERATION
    division = None
    division_code = factory.LazyAttribute(lambda o: o.division.code if o.division else "")
    level = factory.LazyAttribute(
        lambda o: {0: OrgLevel.NATIONAL, 2: OrgLevel.PROVINCE, 4: OrgLevel.CITY, 6: OrgLevel.COUNTY,
                   9: OrgLevel.TOWNSHIP, 12: OrgLevel.VILLAGE}[len(o.division_code)]
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.LazyAttribute(lambda o: o.username)
    org_unit = factory.SubFactory(OrgUnitFactory)
    roles = factory.LazyFunction(list)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()
