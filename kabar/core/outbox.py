"""Where a production site's mail goes while no mail server is set (EMAIL_HOST): files in
a folder only the site's own user may read, one per message, and one warning in the log.
Django's console backend, which base settings use for development, would print every
message (commenters' addresses, confirmation links that work) into the server's log."""

import logging
import os
import threading

from django.core.mail.backends.filebased import EmailBackend as FileBackend

logger = logging.getLogger("kabar.mail")
_warned = threading.Event()


class OutboxBackend(FileBackend):
    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, file_path=file_path, **kwargs)
        # Its files are left to the umask, as the file backend writes them: the folder is
        # what keeps them from other users.
        os.makedirs(self.file_path, mode=0o700, exist_ok=True)
        if os.stat(self.file_path).st_uid == os.getuid():
            # Another user's folder (made by `sudo kabar manage …`) is left as it is: the
            # send then fails, and the delivery log says why.
            os.chmod(self.file_path, 0o700)

    def send_messages(self, email_messages):
        if email_messages and not _warned.is_set():
            _warned.set()
            logger.warning(
                "EMAIL_HOST is not set: mail is not sent but kept in %s (set EMAIL_HOST and "
                "the other EMAIL_ settings to send it)",
                self.file_path,
            )
        return super().send_messages(email_messages)
