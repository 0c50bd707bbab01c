"""The login form in the site's words."""

from allauth.account.forms import LoginForm
from django.utils.translation import gettext_lazy as _


class SiteLoginForm(LoginForm):
    """allauth's login form, its identifier labelled as everywhere else on the site."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Adresse e-mail")
