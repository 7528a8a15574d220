"""The client's address, for login throttling and the access log.

Without a trusted proxy (TRUSTED_PROXY_COUNT=0, the default) it is REMOTE_ADDR: a client cannot
choose it. Behind N proxies that each append to X-Forwarded-For, the client is the N-th entry from
the right; anything further left was written by the client and is ignored.
"""

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
