"""What every page needs from the project itself: when the person's session would end, whom to ask
for a forgotten password."""

from django.conf import settings
from django.utils import timezone

from .sessions import expires_at


def session(request):
    return {"session_expires": expires_at(request) or "", "time_zone": settings.TIME_ZONE,
            "zone_abbr": timezone.localtime().strftime("%Z")}


def site(request):
    return {"support_contact": settings.SUPPORT_CONTACT}
