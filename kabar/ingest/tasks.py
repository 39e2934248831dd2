"""Background work for content coming in: an import started from the admin (a WordPress
site, or another comment system's comments), and the wire schedule, one task on the "kabar"
queue that checks the sources that are due and queues itself again for when the next one
falls due.

A chain (kabar.core.schedule) rather than cron, so that a small newsroom needs no cron entry
or timer. It is started by saving a wire source in the admin, by every `kabar ingest`, and
by `wire_schedule_start()` when the worker starts. A newsroom that prefers cron may run
`kabar ingest` every minute instead: only due sources are checked either way.
"""

import logging
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks import task

from kabar.core.schedule import Chain

from .comments import read_source
from .comments.importer import import_comments
from .comments.source import FormatError
from .models import ImportFormat, ImportRun, ImportRunStatus
from .wire_services import wire_check_due, wire_next_due
from .wordpress.importer import ItemFailed, WordPressImport
from .wordpress.wxr import WXRError, read_wxr

logger = logging.getLogger(__name__)

BACKEND = "kabar"
# Looked at least this often even with nothing due, so that a source added or switched on
# outside the admin is picked up; and never more often than every half minute.
RECHECK_AT_MOST_EVERY = timedelta(minutes=5)
RECHECK_AT_LEAST_AFTER = timedelta(seconds=30)


@task(backend=BACKEND)
def wire_check_due_task():
    """Check the due wire sources, then queue the next round."""
    try:
        checked = wire_check_due()
    finally:
        wire_schedule_next()
    return len(checked)


def wire_schedule_next(now=None):
    """Queue the next round for when the next source falls due (within the bounds above);
    None when the queue cannot defer or another round is queued already."""
    return WIRE_CHAIN.next(now)


def wire_schedule_start():
    """Start the chain now unless a round is queued already; None if nothing was queued.
    Safe to call at any time (a worker starting, a source saved)."""
    return WIRE_CHAIN.start()


WIRE_CHAIN = Chain(
    wire_check_due_task,
    wire_next_due,
    at_least=RECHECK_AT_LEAST_AFTER,
    at_most=RECHECK_AT_MOST_EVERY,
)


# Imports started from the admin ---------------------------------------------------------------

# A run's progress is written at most once a second or every this many items, one UPDATE each
# time: enough for a page that refreshes every few seconds, nothing that slows the import.
PROGRESS_EVERY_ITEMS = 50
PROGRESS_EVERY_SECONDS = 1.0
ACTIVE_RUN = (ImportRunStatus.QUEUED, ImportRunStatus.RUNNING)


class UploadsFolderRefused(ValueError):
    """An uploads folder outside KABAR_IMPORT_UPLOADS_ROOT, or none there."""


def uploads_folder(value):
    """The real path of an uploads folder named in the admin ("" for none): only a folder
    under KABAR_IMPORT_UPLOADS_ROOT, so that the admin cannot read the rest of the server."""
    value = (value or "").strip()
    root = getattr(settings, "KABAR_IMPORT_UPLOADS_ROOT", None)
    if not value:
        return ""
    if not root:
        raise UploadsFolderRefused(gettext("Uploads folders are not enabled on this server."))
    root = os.path.realpath(root)
    path = os.path.realpath(os.path.join(root, value))
    if os.path.commonpath([root, path]) != root:
        raise UploadsFolderRefused(gettext("The folder must be inside %(root)s.") % {"root": root})
    if not os.path.isdir(path):
        raise UploadsFolderRefused(gettext("There is no such folder on the server."))
    return path


def import_run_start(file, *, dry_run, user, uploads="", format=ImportFormat.WORDPRESS, site=None):
    """A new run of `file` (an upload, or the stored name of an earlier run's file) in
    `format`, its comments onto `site`'s threads, queued after commit so that the worker
    finds its row."""
    run = ImportRun.objects.create(
        file=file, format=format, site=site, dry_run=dry_run, started_by=user
    )
    transaction.on_commit(lambda: import_run_enqueue(run.pk, uploads), robust=True)
    return run


def import_run_enqueue(run_id, uploads=""):
    try:
        import_run_task.enqueue(run_id, uploads)
    except Exception:
        # The run stays "queued" in the list, to be deleted; the log says why.
        logger.exception("import run %s could not be queued", run_id)


def import_run_delete(run):
    """Delete a run, and its export file when no other run uses it."""
    name = run.file.name
    storage = run.file.storage
    run.delete()
    if name and not ImportRun.objects.filter(file=name).exists():
        transaction.on_commit(lambda: storage.delete(name), robust=True)


class RunProgress:
    """The importer's progress callback for one run: items_done, written throttled."""

    def __init__(self, run_id, *, clock=time.monotonic):
        self.run_id = run_id
        self.clock = clock
        self.written = 0
        self.written_at = clock()

    def __call__(self, done):
        now = self.clock()
        if (
            done - self.written < PROGRESS_EVERY_ITEMS
            and now - self.written_at < PROGRESS_EVERY_SECONDS
        ):
            return
        ImportRun.objects.filter(pk=self.run_id).update(items_done=done)
        self.written, self.written_at = done, now


@contextmanager
def _local_path(field_file):
    """A path on this machine for a stored file (a copy when the storage is remote)."""
    try:
        path = field_file.path
    except NotImplementedError:
        path = None
    if path is not None:
        yield path
        return
    suffix = os.path.splitext(field_file.name)[1]
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy, field_file.open("rb") as source:
        shutil.copyfileobj(source, copy)
        copy.flush()
        yield copy.name


def _read_through(path):
    """Read the whole file once before writing anything: the importer writes item by item,
    and a file that breaks half-way would otherwise leave half a site behind."""
    with open(path, "rb") as raw:
        for _ in read_wxr(raw):
            pass


def _wordpress_run(run, path, uploads):
    _read_through(path)
    return WordPressImport(
        path,
        uploads=uploads_folder(uploads) or None,
        dry_run=run.dry_run,
        progress=RunProgress(run.pk),
        show_bar=False,
    ).run()


def _comments_run(run, path):
    """Comments of another system: the file is read whole (FormatError if it cannot be)
    before anything is written."""
    if run.format == ImportFormat.ISSO and run.site is None:
        # Isso keeps only paths: without its site they lead nowhere.
        raise FormatError(gettext("The registered site of this import is no longer there."))
    origin = run.site.origin if run.site is not None else ""
    return import_comments(
        read_source(run.format, path, origin=origin),
        site=run.site,
        dry_run=run.dry_run,
        progress=RunProgress(run.pk),
        show_bar=False,
    )


@task(backend=BACKEND)
def import_run_task(run_id, uploads=""):
    """Run one import started from the admin and record how it went."""
    # Claimed by one UPDATE: a task delivered twice, or a run deleted meanwhile, does nothing.
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRunStatus.QUEUED).update(
        status=ImportRunStatus.RUNNING, items_done=0, error=""
    )
    if not claimed:
        return None
    run = ImportRun.objects.select_related("site").get(pk=run_id)
    report, error = None, ""
    try:
        with _local_path(run.file) as path:
            if run.format == ImportFormat.WORDPRESS:
                report = _wordpress_run(run, path, uploads)
            else:
                report = _comments_run(run, path)
    except (WXRError, ItemFailed, UploadsFolderRefused, FormatError) as exc:
        error = str(exc)
    except FileNotFoundError:
        error = gettext("The export file is no longer on the server.")
    except Exception:
        # The page shows a plain sentence; the traceback goes to the log only.
        logger.exception("import run %s stopped", run_id)
        error = gettext("An unexpected error stopped the import; the server log has the details.")
    finished = {"error": error, "finished_at": timezone.now()}
    if report is None:
        finished.update(status=ImportRunStatus.FAILED, report={})
    else:
        finished.update(
            status=ImportRunStatus.DONE, items_done=report.items_read, report=report.as_dict()
        )
    ImportRun.objects.filter(pk=run_id).update(**finished)
    return None if error else report.total("created")
