from .models import Role


def roles(request):
    """Expose the role names to templates so menus do not compare raw strings."""
    return {"ROLES": Role}
