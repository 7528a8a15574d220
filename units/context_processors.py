from .permissions import user_roles


def roles(request):
    """The signed-in user's roles, for the navigation."""
    return {"roles": user_roles(getattr(request, "user", None))}
