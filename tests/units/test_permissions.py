"""Who holds which role where (units.permissions.user_roles): read once per request, from the
person's memberships; nothing for anonymous or deactivated people."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests import factories as f
from units.models import Membership
from units.permissions import NO_ROLES, user_roles

pytestmark = pytest.mark.django_db


def test_roles_come_from_memberships_and_are_read_once(instansi, unit, django_assert_num_queries):
    person = f.member(instansi, Membership.Role.OPERATOR, unit, "dua.peran")
    Membership.objects.create(user=person, instansi=instansi, role=Membership.Role.TPI)
    other = f.instansi("Kota Lain")
    Membership.objects.create(user=person, instansi=other, role=Membership.Role.ADMIN)
    with django_assert_num_queries(1):
        roles = user_roles(person)
        assert user_roles(person) is roles  # cached on the user for the request
    assert roles.roles_in_unit(unit.pk) == {"operator"} and roles.unit_ids == {unit.pk}
    assert roles.tpi_instansi == {instansi.pk} and roles.is_admin_of(other.pk) and not roles.is_admin_of(instansi.pk)
    assert roles.is_tpi and roles.is_admin and roles.is_unit_member and roles.landing == "admin"


def test_landing_follows_the_weightiest_role(instansi, unit):
    assert user_roles(f.member(instansi, Membership.Role.TPI, None, "hanya.tpi")).landing == "tpi"
    assert user_roles(f.member(instansi, Membership.Role.KEPALA, unit, "hanya.kepala")).landing == "unit"
    assert user_roles(f.user("tanpa.peran")).landing == "none"


def test_anonymous_and_deactivated_people_hold_nothing(instansi, unit):
    assert user_roles(AnonymousUser()) is NO_ROLES
    gone = f.member(instansi, Membership.Role.ADMIN, None, "sudah.keluar")
    gone.is_active = False
    gone.save()
    assert user_roles(gone) is NO_ROLES and not NO_ROLES.is_admin_of(instansi.pk)


def test_a_superuser_is_admin_everywhere_without_memberships():
    boss = f.user("super", is_superuser=True, is_staff=True)
    roles = user_roles(boss)
    assert roles.is_admin and roles.is_admin_of(12345) and roles.landing == "admin"
