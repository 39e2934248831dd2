"""A mail server that is down, for tests of what a failed delivery leaves behind."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class DownMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPException("451 4.3.0 Mail server temporarily rejected message")


DOWN_MAIL_SERVER = f"{__name__}.DownMailServer"
