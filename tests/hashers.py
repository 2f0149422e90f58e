"""Argon2 with the cheapest parameters, for the test suite only.

Every factory user and every demo login hashes a password; at production cost that was about half
of the suite's time. Hashes keep Argon2's format, so signing in still goes through
the same hasher and checks.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64
    parallelism = 1
