"""The page cache, the rate limits and the sign-in throttle on a real Redis (127.0.0.1:6379,
started by scripts/services-up), as production runs them with REDIS_URL. Keys live under a
prefix of this run's own, so parallel runs do not meet."""

import os
import threading
import time
import uuid

import pytest
from django.core.cache import caches
from django.test import Client
from wagtail.models import Site

from kabar.core import page_cache as page_cache_module
from kabar.core import ratelimit
from kabar.core.generations import PROVISIONAL_SECONDS
from kabar.core.page_cache import HEADER, config
from kabar.core.purge import purge_paths
from kabar.ingest.redirects import redirects_key

pytestmark = pytest.mark.django_db(transaction=False)

REDIS_URL = os.environ.get("KABAR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_or_fail():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {REDIS_URL} does not answer ({exc}); run scripts/services-up")


@pytest.fixture
def redis_caches(settings):
    _redis_or_fail()
    prefix = f"kabar-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        alias: {
            "BACKEND": "kabar.core.rediscache.ResilientRedisCache",  # as production's
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{prefix}.{alias}",
        }
        for alias in ("default", "pages")
    }
    settings.KABAR_PAGE_CACHE = {**settings.KABAR_PAGE_CACHE, "ENABLED": True}
    yield prefix
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    for alias in ("default", "pages"):
        caches[alias].close()


def test_page_cache_on_redis_serves_hits_without_queries(
    redis_caches, article, django_assert_num_queries
):
    assert config().local is not None  # entries kept in process memory in front of Redis
    first = Client().get(article.url)
    assert first[HEADER] == "miss"
    with django_assert_num_queries(0):
        second = Client().get(article.url)
    assert second[HEADER] == "hit"
    assert second.content == first.content


def test_entry_is_shared_through_redis_by_processes(redis_caches, article):
    Client().get(article.url)
    # Another process: nothing in its own memory, the entry comes from Redis.
    config().local.clear()
    assert Client().get(article.url)[HEADER] == "hit"


def test_purge_in_one_process_reaches_another(redis_caches, article):
    Client().get(article.url)
    assert Client().get(article.url)[HEADER] == "hit"  # now in this process's memory too
    # The purge is written to Redis (as another worker would do it)...
    purge_paths([article.url])
    # ...and this process's in-memory copy is not served any more.
    assert Client().get(article.url)[HEADER] == "miss"


def test_generations_are_kept_in_redis(redis_caches, article):
    import redis

    Client().get(article.url)
    client = redis.Redis.from_url(REDIS_URL)
    key = page_cache_module.path_generation_key(article.url)
    assert list(client.scan_iter(f"{redis_caches}.pages:*{key}"))
    assert list(client.scan_iter(f"{redis_caches}.pages:*gen:all"))


def test_rate_limit_is_exact_under_concurrency_on_redis(redis_caches):
    limit = ratelimit.Limit("test-burst", count=10, seconds=60)
    # One moment for every hit: a run that straddles a minute would otherwise count two
    # windows and rightly allow ten in each.
    now = time.time()
    allowed = []
    barrier = threading.Barrier(8)

    def poster():
        barrier.wait()
        for _ in range(10):
            allowed.append(ratelimit.hit(limit, "198.51.100.23", now=now).allowed)

    threads = [threading.Thread(target=poster) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(allowed) == 10
    assert len(allowed) == 80


def test_flood_interval_is_shared_on_redis(redis_caches):
    limit = ratelimit.Limit("test-flood", count=1, seconds=15)
    assert ratelimit.hit(limit, "198.51.100.24").allowed
    caches["default"].close()  # a new connection, as from another process
    refused = ratelimit.hit(limit, "198.51.100.24")
    assert not refused.allowed
    assert 1 <= refused.retry_after <= 15


def test_login_throttle_counts_in_redis(redis_caches, home, settings):
    settings.KABAR_LOGIN_THROTTLE = {**settings.KABAR_LOGIN_THROTTLE, "FAILURES": 2}
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("redaktur", "r@example.org", "benar-sekali-42")
    for _ in range(2):
        Client().post("/admin/login/", {"username": "redaktur", "password": "salah"})
    response = Client().post(
        "/admin/login/", {"username": "redaktur", "password": "benar-sekali-42"}
    )
    assert response.status_code == 429


def test_a_warm_render_reads_the_site_wide_generation_once(redis_caches, article, monkeypatch):
    """Site, navigation, restrictions and rules are kept per process under the site-wide
    generation; the value read before the view serves them all, not a round trip each."""
    client = Client()
    client.cookies["kabar_pending"] = "not-a-signature"  # private: rendered, not cached
    assert client.get(article.url)[HEADER] == "bypass"
    pages = caches["pages"]
    reads = []
    for name in ("get", "get_many"):
        original = getattr(pages, name)

        def counted(keys, *args, _original=original, **kwargs):
            reads.append(keys)
            return _original(keys, *args, **kwargs)

        monkeypatch.setattr(pages, name, counted)
    response = client.get(article.url)
    assert response.status_code == 200 and article.title in response.content.decode()
    assert sum("gen:all" in (keys if isinstance(keys, list) else [keys]) for keys in reads) == 1


def test_probes_of_missing_paths_leave_no_lasting_key_in_redis(redis_caches, article):
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for n in range(30):
        assert Client().get(f"/wp-content/plugins/probe-{n}.php").status_code == 404
    keys = list(client.scan_iter(f"{redis_caches}.pages:*"))
    lasting = sorted(k.decode().split(".pages:", 1)[-1] for k in keys if client.ttl(k) == -1)
    # The shared generations, and the site's old-address table's (read once per site).
    site = Site.objects.get(is_default_site=True)
    assert [k.rsplit(":", 1)[-1] for k in lasting if "legacy-redirects" not in k] == [
        "all",
        "lists",
    ]
    assert [k for k in lasting if "legacy-redirects" in k] == [
        [k for k in lasting if k.endswith(redirects_key(site.pk))][0]
    ]
    assert all(0 < client.ttl(k) <= PROVISIONAL_SECONDS for k in keys if client.ttl(k) != -1)
    # A page whose copy is kept has a generation that lasts.
    assert Client().get(article.url)[HEADER] == "miss"
    path_key = page_cache_module.path_generation_key(article.url)
    [found] = client.scan_iter(f"{redis_caches}.pages:*{path_key}")
    assert client.ttl(found) == -1


def test_comments_posted_to_ids_of_no_page_leave_no_lasting_key_in_redis(redis_caches, home):
    import redis

    for n in range(10):
        posted = Client(HTTP_ORIGIN="http://testserver").post(
            "/comments/post/", {"page": 900_000 + n, "body": "Halo."}
        )
        assert posted.status_code == 404
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{redis_caches}.pages:*"))
    assert [k for k in keys if b":gen:page:" in k]  # read, as the post looked the id up
    assert not [k for k in keys if b":gen:page:" in k and client.ttl(k) == -1]


# Redis unreachable: the site slower, never down.

UNREACHABLE_REDIS = "redis://127.0.0.1:1/15"  # nothing listens on port 1


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        alias: {
            "BACKEND": "kabar.core.rediscache.ResilientRedisCache",
            "LOCATION": UNREACHABLE_REDIS,
            "KEY_PREFIX": f"down.{alias}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
        for alias in ("default", "pages")
    }
    settings.KABAR_PAGE_CACHE = {**settings.KABAR_PAGE_CACHE, "ENABLED": True}
    yield
    for alias in ("default", "pages"):
        caches[alias].close()


def test_with_redis_down_pages_render_editors_save_and_readers_comment(redis_down, home):
    # Django's own backend raised on every read and write: every public page was a 500,
    # and so was saving a page (its purge writes generations).
    from tests import builders

    section = builders.make_section(home, "Kabar Internasional", slug="kabar-internasional")
    article = builders.make_article(section)
    client = Client()
    for url in (home.url, section.url, article.url, "/cari/?q=banjir"):
        assert client.get(url).status_code == 200, url
    posted = client.post(
        "/comments/post/",
        {
            "page": article.pk,
            "body": "Komentar saat Redis mati.",
            "author_name": "Dewi",
            "author_email": "dewi@example.org",
            "author_url": "",
            "form_token": builders.form_token(article),
        },
    )
    assert posted.status_code == 302
    assert article.url in posted["Location"]


@pytest.mark.parametrize("count", [1, 5])  # an interval, a window
def test_with_redis_down_rate_limits_let_readers_through(redis_down, count):
    limit = ratelimit.Limit(name="uji", count=count, seconds=60)
    assert all(ratelimit.hit(limit, "203.0.113.9").allowed for _ in range(count + 3))
