from innobridge.accounts.permissions import is_staff, member_organisation_id


def roles(request):
    user = request.user
    return {
        "user_is_staff": is_staff(user),
        "user_member_org_id": member_organisation_id(user),
    }
