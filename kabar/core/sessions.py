"""Django's database sessions, with a session key taken from a cookie only when it could be
one Django made (letters and digits): a forged key holding NUL reached the session table's
query, which PostgreSQL refuses (a 500 on every page that reads the signed-in user)."""

from django.contrib.sessions.backends import db


class SessionStore(db.SessionStore):
    def _validate_session_key(self, key):
        return super()._validate_session_key(key) and key.isascii() and key.isalnum()
