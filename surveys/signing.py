"""What a response holds, signed with the server's key (used where it is written and where it is checked)."""

from django.utils.crypto import salted_hmac


def digest(period_id: int, service_id: int, receipt: str, values: dict[int, int]) -> str:
    """What the response holds, signed with the server's key: changed in the database, it no longer matches."""
    body = f"{period_id}|{service_id}|{receipt}|" + ",".join(f"{k}={values[k]}" for k in sorted(values))
    return salted_hmac("surveys.response", body, algorithm="sha256").hexdigest()
