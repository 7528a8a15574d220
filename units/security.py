"""Login throttling's other half: the client's address, and a throttled password change; a
starting password set by an admin must be changed at the first sign-in.

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
from django.contrib import messages
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .models import PasswordChangeRequired

MUST_CHANGE = "must_change_password"  # session key, set at sign-in: no query on every request


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
        # "kata sandi" everywhere, as the links and messages say it (Django's catalogue says "sandi")
        self.fields["old_password"].label = _("Kata sandi lama")
        self.fields["new_password1"].label = _("Kata sandi baru")
        self.fields["new_password2"].label = _("Ulangi kata sandi baru")
        self.fields["new_password1"].help_text = _(
            "Paling sedikit 8 karakter, tidak mirip nama atau nama pengguna Anda, bukan kata sandi yang umum "
            "dipakai, dan tidak hanya angka.")

    def validate_password_for_user(self, user, password_field_name="password2"):
        """A weak new password is said under "Kata sandi baru", where it was chosen."""
        if password_field_name == "new_password2" and "new_password2" not in self.errors:
            password = self.cleaned_data.get("new_password2")
            if password:
                try:
                    password_validation.validate_password(password, user)
                except ValidationError as error:
                    self.add_error("new_password1", error)
            return
        super().validate_password_for_user(user, password_field_name)

    def clean_old_password(self):
        old = self.cleaned_data["old_password"]
        checked = authenticate(self.request, username=self.user.get_username(), password=old)
        if checked is None or checked.pk != self.user.pk:
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old


class LoginForm(AuthenticationForm):
    """Django's login form with the app's words for its fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Nama pengguna")
        self.fields["password"].label = _("Kata sandi")


class ThrottledPasswordChangeView(PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "must_change": self.request.session.get(MUST_CHANGE, False),
                "next": self._next()}

    def _next(self):
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        ok = url_has_allowed_host_and_scheme(target, {self.request.get_host()}, self.request.is_secure())
        return target if ok else ""

    def get_success_url(self):
        return self._next() or super().get_success_url()

    def form_valid(self, form):
        response = super().form_valid(form)
        PasswordChangeRequired.objects.filter(user=self.request.user).delete()
        if self.request.session.pop(MUST_CHANGE, False):
            messages.success(self.request, _("Kata sandi baru tersimpan. Silakan lanjutkan."))
        return response


def require_password_change(user, *, by=None) -> None:
    """The password was set by someone else (an admin): ask for a new one at the next sign-in."""
    PasswordChangeRequired.objects.update_or_create(user=user, defaults={"set_by": by})


@receiver(user_logged_in, dispatch_uid="units.security.must_change_password")
def _remember_must_change(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        if PasswordChangeRequired.objects.filter(user=user).exists():
            request.session[MUST_CHANGE] = True
        else:
            request.session.pop(MUST_CHANGE, None)


class PasswordChangeRequiredMiddleware:
    """Until a starting password is replaced, every page leads to "Ganti kata sandi" (signing out
    and the session keep-alive still work). An htmx request is sent there by HX-Redirect."""

    ALLOWED = ("password_change", "password_change_done", "logout", "session_keepalive")

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed = None

    def __call__(self, request):
        if getattr(request, "session", None) is not None and request.session.get(MUST_CHANGE) \
                and request.user.is_authenticated:
            if self._allowed is None:
                self._allowed = {reverse(name) for name in self.ALLOWED}
            if request.path not in self._allowed and not request.path.startswith(settings.STATIC_URL):
                target = f"{reverse('password_change')}?next={request.get_full_path()}" \
                    if request.method == "GET" else reverse("password_change")
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                messages.info(request, _("Kata sandi Anda ditetapkan oleh admin. Pilih kata sandi Anda sendiri "
                                         "sebelum melanjutkan."))
                return redirect(target)
        return self.get_response(request)
