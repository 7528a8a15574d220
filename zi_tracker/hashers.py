"""How passwords are stored.

Argon2id with the configuration the OWASP Password Storage Cheat Sheet recommends (19 MiB of memory,
2 passes, 1 lane). Django's default, PBKDF2-SHA256 with 1,000,000 iterations, costs this project's
two-core server 0.6 s of CPU per login, so the morning rush of an institution's people logging in
took a quarter of the load test's minute; Argon2id costs 0.04 s and, being memory-hard, is harder to
attack with GPUs than PBKDF2 at any iteration count. Existing PBKDF2 hashes still verify (the next
hashers in settings.PASSWORD_HASHERS) and are rewritten as Argon2id at that person's next login.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Django's Argon2 hasher (Argon2id) with OWASP's parameters; a hash made with other parameters
    is upgraded at the next login (Django's ``must_update``)."""

    time_cost = 2
    memory_cost = 19_456  # KiB
    parallelism = 1
