"""Never lose what someone typed because their session ended or their page grew stale.

- **Sliding expiry**: a signed-in person's session is renewed while they work (any request once
  half of ``SESSION_COOKIE_AGE`` has passed), so it ends only after that long without activity.
  Every response tells the page when it would end (``X-Session-Expires``), and the page warns
  ten minutes before and offers to stay signed in (``session_keepalive``).
- **htmx refusals say what happened instead of swapping a page into a card**: a request whose
  session has ended answers 401 and a stale CSRF token 403, both with ``X-ZI-Refusal`` and a short
  Indonesian text; ``static/js/session.js`` keeps the card (and everything typed in it) and shows the
  text in it. The page sends the current CSRF cookie with every htmx request, so after signing in
  again in another tab the same card saves on the next click.
- A plain form posted after the session ended sends the person, once signed in, back to the page
  the form was on (never to the POST-only address, which would answer 405).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

REFUSAL_HEADER = "X-ZI-Refusal"
EXPIRES_HEADER = "X-Session-Expires"


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def expires_at(request) -> int | None:
    """When this person's session ends without further activity (seconds since the epoch)."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and hasattr(request, "session")):
        return None
    return int(request.session.get_expiry_date().timestamp())


class SessionMiddleware:
    """After authentication: sliding expiry, the expiry header, and what an htmx request or a plain
    form gets when the session has ended (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and request.session.get_expiry_age() < settings.SESSION_COOKIE_AGE / 2:
            request.session.modified = True  # saved with a fresh expiry (and cookie) after the view
        response = self.get_response(request)
        if user is not None and user.is_authenticated:
            expiry = request.session.get_expiry_date() if not request.session.modified else \
                timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
            response[EXPIRES_HEADER] = str(int(expiry.timestamp()))
        if response.status_code == 302 and not signed_in and self._to_login(response):  # the session had ended
            if _is_htmx(request):
                return refusal("session", status=401)
            if request.method != "GET":
                response["Location"] = self._back_to_form(request, response["Location"])
        return response

    @staticmethod
    def _to_login(response) -> bool:
        return urlsplit(response.get("Location", "")).path == resolve_url(settings.LOGIN_URL)

    @staticmethod
    def _back_to_form(request, location: str) -> str:
        """A login redirect for a POST: after signing in, back to the page the form was on."""
        referer = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            return location
        parts = urlsplit(location)
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "next"]
        back = urlsplit(referer)
        query.append(("next", urlunsplit(("", "", back.path, back.query, ""))))
        return urlunsplit(parts._replace(query=urlencode(query)))


MESSAGES = {
    "session": lambda: _("Sesi Anda berakhir — masuk lagi di tab baru, lalu tekan Simpan lagi. Isian Anda masih "
                         "ada di sini dan belum tersimpan."),
    "csrf": lambda: _("Halaman ini sudah kedaluwarsa (misalnya Anda keluar dan masuk lagi di tab lain). Isian Anda "
                      "masih ada di sini dan belum tersimpan: tekan Simpan lagi."),
}


def refusal(kind: str, status: int) -> HttpResponse:
    """What an htmx request gets instead of a page: a status, the kind, and words for the card."""
    response = HttpResponse(MESSAGES[kind](), status=status, content_type="text/plain; charset=utf-8")
    response[REFUSAL_HEADER] = kind
    return response


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: in Indonesian, in the app's layout — or, for htmx, the refusal above."""
    if _is_htmx(request):
        return refusal("csrf", status=403)
    return render(request, "403_csrf.html", status=403)


@login_required
@require_GET
def keepalive(request):
    """The page's "Tetap masuk": renews the session and says until when."""
    request.session.modified = True
    return JsonResponse({"expires": int((timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)).timestamp())})
