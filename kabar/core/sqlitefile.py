"""A SQLite database holds every commenter's email and address: its files are kept out of
other local users' reach. SQLite creates them by the process's umask (0644 under the usual
022), and its -wal and -shm files take the database's mode; the first connection of each
process takes the "other" bits off the three (the owner's and the group's stay as set).
Files of another user are left alone (a chmod would fail)."""

import os
import stat
from pathlib import Path

_checked = set()


def keep_private(sender, connection, **kwargs):
    """connection_created receiver."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    if name in _checked or name == ":memory:" or name.startswith("file:"):
        return
    _checked.add(name)
    uid = os.getuid()
    for path in (Path(name), Path(f"{name}-wal"), Path(f"{name}-shm")):
        try:
            found = path.stat()
            if found.st_uid == uid and found.st_mode & 0o007:
                path.chmod(stat.S_IMODE(found.st_mode) & ~0o007)
        except OSError:  # not there (yet), or not ours to change
            continue
