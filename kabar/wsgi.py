import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kabar.settings.production")
application = get_wsgi_application()

# Cached pages for anonymous readers are answered before Django builds a request.
from kabar.core.page_cache import PageCacheApp  # noqa: E402

application = PageCacheApp(application)

# The embedded default sends mail from a worker thread in this process (settings decide).
from kabar.discussion.staff import staff_round_sweep  # noqa: E402
from kabar.discussion.tasks import deliveries_sweep, start_worker_thread  # noqa: E402
from kabar.news.tasks import publishing_schedule_start  # noqa: E402

# With the worker in this process, scheduled articles are swept and their chain started here,
# and comments still waiting to be told to the staff get their digest's round.
if start_worker_thread() is not None:
    publishing_schedule_start()
    staff_round_sweep()
    deliveries_sweep()

# What a worker's first requests would otherwise pay for, done before they arrive (and
# frozen below with the rest): the URL configuration read, the comment fields' checks ready.
from django.urls import get_resolver  # noqa: E402

from kabar.discussion.validation import warm_up  # noqa: E402

get_resolver().url_patterns  # noqa: B018
warm_up()

# What is loaded by now (Django, Wagtail, the apps: some 200,000 objects) lives as long as
# the process. Frozen, the cyclic collector stops walking it: each full collection took
# about 0.1 s of a worker's time, every few hundred comment posts.
gc.freeze()
