"""Does a section stay fast with 100,000 articles? Times the section front (first and a
deep page), an article page and a new article's creation with N small and N large, in one
run, and prints the ratios (large / small). Also prints SQLite's plan for the front's query.

    .venv/bin/python bench/scale_section.py [--large 100000] [--small 1000]

Articles are inserted in bulk with SQL (Wagtail's add_child would take the better part of
an hour for 100,000); the tree paths are computed exactly as treebeard would.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def setup_django(data_dir):
    os.environ["KABAR_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "kabar.settings.dev"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_tree(n_articles):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from treebeard.numconv import NumConv
    from wagtail.models import Locale, Page

    from kabar.news.models import ArticlePage
    from tests import builders

    home = builders.make_home()
    section = builders.make_section(home, "Kabar Internasional", slug="kabar-internasional")
    ct = ContentType.objects.get_for_model(ArticlePage).pk
    locale = Locale.get_default().pk
    conv = NumConv(Page.alphabet)
    now = timezone.now()
    page_cols = (
        "path, depth, numchild, translation_key, locale_id, live, has_unpublished_changes, "
        "first_published_at, last_published_at, expired, locked, title, draft_title, slug, "
        "content_type_id, url_path, show_in_menus, seo_title, search_description"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        batch = []
        for i in range(n_articles):
            step = conv.int2str(i + 1).rjust(Page.steplen, "0")
            published = now - timedelta(minutes=i)
            slug = f"berita-{i}"
            batch.append(
                (
                    section.path + step,
                    section.depth + 1,
                    0,
                    uuid.uuid4().hex,
                    locale,
                    True,
                    False,
                    published,
                    published,
                    False,
                    False,
                    f"Berita nomor {i}",
                    f"Berita nomor {i}",
                    slug,
                    ct,
                    f"{section.url_path}{slug}/",
                    False,
                    "",
                    "",
                )
            )
        cursor.executemany(
            f"INSERT INTO wagtailcore_page ({page_cols}) VALUES ({', '.join(['%s'] * 19)})",
            batch,
        )
        cursor.execute(
            "SELECT id, first_published_at FROM wagtailcore_page WHERE content_type_id = %s",
            [ct],
        )
        rows = cursor.fetchall()
        cursor.executemany(
            "INSERT INTO news_articlepage (page_ptr_id, standfirst, dateline, source_credit, "
            "language, lead_image_caption, lead_image_credit, body, is_featured, discussion, "
            "section_id, published_at) VALUES (%s, 'Ringkasan.', '', '', 'id', '', '', '[]', "
            "0, 'open', %s, %s)",
            [(pk, section.pk, published) for pk, published in rows],
        )
        Page.objects.filter(pk=section.pk).update(numchild=n_articles)
    section.refresh_from_db()
    return section


def timed(fn, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def measure(n_articles, repeat):
    from django.db import connection
    from django.test import Client

    from kabar.news.models import ArticlePage
    from tests import builders

    section = build_tree(n_articles)
    client = Client()
    deep_page = max(1, n_articles // 20 // 2)
    article_url = f"{section.url}berita-{n_articles // 2}/"
    assert client.get(article_url).status_code == 200
    results = {
        "section front, page 1": timed(lambda: client.get(section.url), repeat),
        "section front, deep page (middle of the archive)": timed(
            lambda: client.get(f"{section.url}?page={deep_page}"), repeat
        ),
        "article page (routing)": timed(lambda: client.get(article_url), repeat),
        "publish a new article": timed(lambda: builders.make_article(section, "Baru"), 5),
    }
    with connection.cursor() as cursor:
        sql, params = (
            ArticlePage.objects.filter(section=section, live=True)
            .order_by("-published_at")[:20]
            .query.sql_with_params()
        )
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = [row[-1] for row in cursor.fetchall()]
    return results, plan


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory() as data_dir:
            setup_django(data_dir)
            results, plan = measure(args.child, args.repeat)
        for name, ms in results.items():
            print(f"{name}\t{ms:.2f}")
        print("PLAN\t" + " | ".join(plan))
        return
    import subprocess

    runs = {}
    for n in (args.small, args.large):
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(n), "--repeat", str(args.repeat)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs[n] = dict(line.split("\t", 1) for line in out.strip().splitlines())
    small, large = runs[args.small], runs[args.large]
    print(f"| measure (median ms) | {args.small:,} articles | {args.large:,} articles | ratio |")
    print("|---|---|---|---|")
    for name in small:
        if name == "PLAN":
            continue
        a, b = float(small[name]), float(large[name])
        print(f"| {name} | {a:.1f} | {b:.1f} | {b / a:.2f} |")
    print(f"\nSQLite plan for the section front with {args.large:,} articles: {large['PLAN']}")


if __name__ == "__main__":
    main()
