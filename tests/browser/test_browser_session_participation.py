"""A member registers for an upcoming session, staff approve, the member marks whom it must meet and asks
for a meeting, the other side accepts, staff schedule and publish; the member reads the agenda notice,
subscribes to the calendar and records an outcome that starts a draft agreement.

The flow is the ``take_part`` fixture (conftest.py). In the three languages it is the second half of the
newcomer's flow in ``test_browser_accounts`` (the member who signed up there goes on); here it runs once
more for an organisation already in the demo, in English, at 1280 and 375 px.
"""

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("lang", ["en"])
def test_a_demo_member_takes_part(flow, take_part, lang):
    take_part(flow, lang, lambda: flow.login("demo-luoxin"), "jinan-luoxin-power-semiconductor")
