from innobridge.accounts.notices import unread_count
from innobridge.accounts.permissions import is_staff, member_organisation_id


def roles(request):
    user = request.user
    return {
        "user_is_staff": is_staff(user),
        "user_member_org_id": member_organisation_id(user),
        # The bell: read lazily, so pages that never show the header do not pay for the count.
        "unread_notices": (lambda: unread_count(user=user)) if user.is_authenticated else 0,
    }
