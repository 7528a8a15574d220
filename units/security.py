"""Login throttling's other half: the client's address, and a throttled password change.

The client's address, for login throttling and the access log:

Only a proxy listed in TRUSTED_PROXIES (addresses or networks; none by default) is believed about
who its client is. A request straight from anywhere else is identified by REMOTE_ADDR, whatever
X-Forwarded-For it carries. From a trusted proxy, X-Forwarded-For is read from the right — the
entries the trusted proxies appended — and the first address that is not itself a trusted proxy is
the client; anything further left was written by the client and is ignored. Entries that are not
IP addresses end the walk, so a forged header can never produce an invalid or chosen address.
"""

import ipaddress

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError


def _ip(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str:
    remote = _ip(request.META.get("REMOTE_ADDR", ""))
    networks = [ipaddress.ip_network(n, strict=False) for n in getattr(settings, "TRUSTED_PROXIES", [])]
    client = remote
    if _trusted(remote, networks):
        for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
            hop = _ip(entry)
            if hop is None:
                break
            client = hop
            if not _trusted(hop, networks):
                break
    return str(client) if client is not None else ""


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's password change form, but the old password is checked through authenticate(), so
    wrong guesses count towards the same lockout as the login page (a stolen, still signed-in
    session cannot be used to guess the password, and then to change it, without limit)."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old = self.cleaned_data["old_password"]
        checked = authenticate(self.request, username=self.user.get_username(), password=old)
        if checked is None or checked.pk != self.user.pk:
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old


class ThrottledPasswordChangeView(PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
