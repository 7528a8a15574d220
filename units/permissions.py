"""The way in to unit-scoped data: every lookup starts from the user.

``user_roles(user)`` reads the user's memberships once per request (cached on the user object);
everything else asks it. Worksheet-level access lives in ``evaluations.permissions`` (evaluations
imports units, never the reverse).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Membership


@dataclass(frozen=True)
class Roles:
    """What one user may do where."""

    unit_roles: dict[int, frozenset[str]] = field(default_factory=dict)  # unit id → {operator, kepala}
    tpi_instansi: frozenset[int] = frozenset()
    admin_instansi: frozenset[int] = frozenset()
    superuser: bool = False

    @property
    def is_admin(self) -> bool:
        return self.superuser or bool(self.admin_instansi)

    @property
    def is_tpi(self) -> bool:
        return bool(self.tpi_instansi)

    @property
    def is_unit_member(self) -> bool:
        return bool(self.unit_roles)

    @property
    def unit_ids(self) -> frozenset[int]:
        return frozenset(self.unit_roles)

    @property
    def home_unit_id(self) -> int | None:
        """The unit a unit member works for (the lowest id when several), for the navigation."""
        return min(self.unit_roles) if self.unit_roles else None

    @property
    def home_instansi_id(self) -> int | None:
        """The instansi an admin or TPI member works for (the lowest id when several)."""
        ids = self.admin_instansi | self.tpi_instansi
        return min(ids) if ids else None

    def is_admin_of(self, instansi_id: int) -> bool:
        return self.superuser or instansi_id in self.admin_instansi

    def roles_in_unit(self, unit_id: int) -> frozenset[str]:
        return self.unit_roles.get(unit_id, frozenset())

    @property
    def landing(self) -> str:
        """Where the user works: admin, tpi, unit, or none."""
        if self.is_admin:
            return "admin"
        if self.is_tpi:
            return "tpi"
        if self.is_unit_member:
            return "unit"
        return "none"


NO_ROLES = Roles()


def user_roles(user) -> Roles:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ROLES
    cached = getattr(user, "_zi_roles", None)
    if cached is not None:
        return cached
    unit_roles: dict[int, set[str]] = {}
    tpi, admin = set(), set()
    for unit_id, instansi_id, role in Membership.objects.filter(user=user).values_list(
            "unit_id", "instansi_id", "role"):
        if role == Membership.Role.TPI:
            tpi.add(instansi_id)
        elif role == Membership.Role.ADMIN:
            admin.add(instansi_id)
        else:
            unit_roles.setdefault(unit_id, set()).add(role)
    roles = Roles({k: frozenset(v) for k, v in unit_roles.items()}, frozenset(tpi), frozenset(admin),
                  user.is_superuser)
    user._zi_roles = roles
    return roles
