"""Keyed hashes for personal data Kabar must compare but should not keep or reveal."""

from django.utils.crypto import salted_hmac


def keyed_hash(value, purpose):
    """HMAC-SHA256 of `value` under a key derived from SECRET_KEY and `purpose`, as 64 hex
    digits. Without the secret nobody can test a guessed IP or email against it, and the
    purpose keeps a hash made for one use (rate limits) from matching one made for another
    (avatars)."""
    return salted_hmac(f"kabar.{purpose}", str(value), algorithm="sha256").hexdigest()
