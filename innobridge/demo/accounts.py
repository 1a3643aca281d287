"""Ready-made accounts for trying the roles on the demo: one staff user, members on both sides.

Development only. ``innobridge demo`` creates them when ``DEBUG`` is on, or when asked explicitly with
``--accounts``; it never does so silently on a production setting. The password is published in the
README, so these accounts must never exist on a server that holds real data.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from innobridge.directory.models import Membership, Organisation

DEMO_PASSWORD = "innobridge-demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    organisation: str  # slug; empty for staff
    side: str  # "staff", "Hong Kong" or "Shandong", for the listing only


ACCOUNTS = [
    DemoAccount("demo-staff", "", "staff"),
    DemoAccount("demo-i2cool", "i2cool", "Hong Kong"),
    DemoAccount("demo-zehao", "zehao-high-purity-metals", "Hong Kong"),
    DemoAccount("demo-luoxin", "jinan-luoxin-power-semiconductor", "Shandong"),
    DemoAccount("demo-sco-zone", "qingdao-sco-zone-authority", "Shandong"),
]


@transaction.atomic
def demo_accounts_ensure(*, password: str = DEMO_PASSWORD) -> list[tuple[DemoAccount, Organisation | None]]:
    """Create or reset the demo accounts (same names, password and memberships on every run)."""
    User = get_user_model()
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=[a.organisation for a in ACCOUNTS])}
    missing = sorted({a.organisation for a in ACCOUNTS if a.organisation} - set(orgs))
    if missing:
        raise ValueError(f"demo accounts need the demo organisations; missing: {', '.join(missing)}")
    out = []
    for account in ACCOUNTS:
        user, _created = User.objects.get_or_create(
            username=account.username, defaults={"email": f"{account.username}@example.org"}
        )
        user.is_staff = user.is_superuser = account.side == "staff"
        user.is_active = True
        user.set_password(password)
        user.save()
        org = orgs.get(account.organisation)
        if org is None:
            Membership.objects.filter(user=user).delete()
        else:
            Membership.objects.update_or_create(
                user=user, defaults={"organisation": org, "role": Membership.Role.ADMIN}
            )
        out.append((account, org))
    return out
