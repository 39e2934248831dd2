"""Comment imports against what the real tools write, in small hand-made files of their
layouts: Disqus's export as it is mailed today (no emails, links through its disq.us
redirect, threads under the http or www address a page first had, posts before threads,
addresses that are no addresses), and Remark42's backup (user names and page addresses
kept HTML-escaped by Remark42's own sanitiser, Go's zero time for a time never set)."""

import gzip
import json
from datetime import UTC, datetime

import pytest
from django.test import Client

from kabar.discussion import sites
from kabar.discussion.models import Comment, ExternalThread
from kabar.discussion.selectors import comments_public_for
from kabar.ingest.comments.disqus import read_disqus
from kabar.ingest.comments.importer import import_comments
from kabar.ingest.comments.remark42 import read_remark42
from kabar.ingest.models import ImportedItem
from tests import builders

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, tzinfo=UTC)
DISQUS_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://disqus.com/api/schemas/1.0/disqus.xsd '
    'http://disqus.com/api/schemas/1.0/disqus-internals.xsd">\n'
    '<category dsq:id="7001"><forum>blogteman</forum><title>General</title>'
    "<isDefault>true</isDefault></category>\n"
)


def disqus_thread(dsq_id, link, *, identifier="", title="Jalan tol baru dibuka"):
    return f"""<thread dsq:id="{dsq_id}">
  <id>{identifier}</id><forum>blogteman</forum><category dsq:id="7001"/>
  <link>{link}</link><title>{title}</title><message/>
  <createdAt>2016-05-01T02:00:00Z</createdAt>
  <author>
    <name>Blog Teman</name><isAnonymous>false</isAnonymous><username>blogteman</username>
  </author>
  <isClosed>false</isClosed><isDeleted>false</isDeleted>
</thread>
"""


def disqus_post(
    dsq_id, message, *, thread="", thread_text="", parent="", name="Rina", ip="203.0.113.61"
):
    # As exported today: no <email>, a guest's name only.
    reference = f'<thread dsq:id="{thread}"/>' if thread else f"<thread>{thread_text}</thread>"
    parent = f'<parent dsq:id="{parent}"/>' if parent else ""
    return f"""<post dsq:id="{dsq_id}">
  <id/><message><![CDATA[{message}]]></message>
  <createdAt>2016-05-02T03:04:05Z</createdAt>
  <isDeleted>false</isDeleted><isSpam>false</isSpam>
  <author><name>{name}</name><isAnonymous>true</isAnonymous></author>
  <ipAddress>{ip}</ipAddress>
  {reference}{parent}
</post>
"""


def disqus_file(tmp_path, *parts):
    path = tmp_path / "blogteman-2026-12-01T00:00:00.000000-all.xml"
    path.write_text(DISQUS_HEAD + "".join(parts) + "</disqus>\n", encoding="utf-8")
    return path


def run_disqus(path, **options):
    return import_comments(read_disqus(str(path)), **options)


def disqus_comment(dsq_id):
    record = ImportedItem.objects.get(source="disqus", kind="comment", wp_id=str(dsq_id))
    return Comment.objects.get(pk=record.object_id)


def counts(report, kind):
    return {result: n for result, n in report.counts[kind].items() if n}


# Disqus: hostile messages --------------------------------------------------------------


def test_a_message_nested_thousands_of_tags_deep_imports_as_its_words(blog, tmp_path):
    # Its words were read by a function that recursed once per tag: the whole file failed.
    message = "<p>Setuju.</p>" + "<blockquote>" * 20_000 + "Kutipan paling dalam."
    path = disqus_file(
        tmp_path,
        disqus_thread("501", f"{blog.origin}/2016/05/jalan-tol/"),
        disqus_post("9001", message, thread="501"),
        disqus_post("9002", "<p>Komentar biasa.</p>", thread="501"),
    )
    report = run_disqus(path)
    assert counts(report, "comment") == {"created": 2}
    body = disqus_comment("9001").body
    assert body.startswith("Setuju.") and body.endswith("Kutipan paling dalam.")


# Disqus: links ---------------------------------------------------------------------------


def test_a_disqus_link_keeps_the_address_its_author_gave_not_disqus_redirect(blog, tmp_path):
    # Disqus sends every link through disq.us: the address, encoded, then ":" and a
    # signature, then the forum's cuid.
    redirect = (
        "https://disq.us/url?url=https%3A%2F%2Fdata.example.org%2Ftol%3Fruas%3Dcikampek"
        "%3Ak3VqZ0aB1cD2eF3gH4iJ5kL6mN7&amp;cuid=4410021"
    )
    message = (
        "<p>Tarifnya naik lagi &amp; antrean makin panjang.<br>Datanya di "
        f'<a href="{redirect}" rel="nofollow noopener" '
        'title="https://data.example.org/tol?ruas=cikampek">data.example.org/tol?ruas=...</a>'
        "</p><p>Bandingkan juga "
        '<a href="http://disq.us/?url=http%3A%2F%2Flama.example.net%2F%3AzZ9yY8xX7wW6vV5uU4tT3sS2rR1'
        '&amp;cuid=4410021">arsip lama</a>.</p>'
    )
    path = disqus_file(
        tmp_path,
        disqus_thread(8800001, "https://blog.example.org/2016/05/tol-baru/"),
        disqus_post(6600001, message, thread=8800001),
    )

    run_disqus(path)

    body = disqus_comment(6600001).body
    assert body == (
        "Tarifnya naik lagi & antrean makin panjang.\n"
        "Datanya di data.example.org/tol?ruas=... (https://data.example.org/tol?ruas=cikampek)"
        "\n\nBandingkan juga arsip lama (http://lama.example.net/)."
    )
    assert "disq.us" not in body


# Disqus: addresses on another spelling of the registered origin ---------------------------


def test_disqus_threads_under_http_or_www_reach_the_registered_https_site(blog, tmp_path):
    # The blog moved to https and dropped "www." years after its first comments: Disqus
    # keeps each thread under the address it first saw.
    path = disqus_file(
        tmp_path,
        disqus_thread(8800011, "http://blog.example.org/2012/01/pasar-malam/"),
        disqus_thread(8800012, "https://www.blog.example.org/2013/03/hujan-es/?ref=feed"),
        disqus_thread(8800013, "https://blog.example.org/2013/03/hujan-es/"),
        disqus_post(6600011, "<p>Dulu pasar malamnya sampai subuh.</p>", thread=8800011),
        disqus_post(6600012, "<p>Hujan es di Bogor, jarang sekali.</p>", thread=8800012),
        disqus_post(6600013, "<p>Di Depok juga turun.</p>", thread=8800013),
        disqus_post(6600014, "<p>Di Cibinong juga.</p>", thread=8800012, parent=6600012),
    )

    report = run_disqus(path)

    assert counts(report, "comment") == {"created": 4}
    assert not [p for p in report.problems if "not registered" in p[3]]
    pasar = ExternalThread.objects.get(address="https://blog.example.org/2012/01/pasar-malam/")
    hujan = ExternalThread.objects.get(address="https://blog.example.org/2013/03/hujan-es/")
    assert pasar.site_id == hujan.site_id == blog.pk
    assert disqus_comment(6600011).page_id == pasar.pk
    # The www thread and the bare one are one page, the reply under its parent.
    parent, reply = disqus_comment(6600012), disqus_comment(6600014)
    assert {disqus_comment(6600013).page_id, parent.page_id, reply.page_id} == {hujan.pk}
    assert reply.parent_id == parent.pk
    roots = comments_public_for(hujan)
    assert [[c.pk for c in root.children] for root in roots] == [[reply.pk], []]
    notes = {p[1]: p[3] for p in report.problems if p[0] == "thread"}
    assert "https://blog.example.org" in notes["8800011"]
    assert "https://blog.example.org" in notes["8800012"]

    again = run_disqus(path)

    assert counts(again, "comment") == {"unchanged": 4}
    assert ExternalThread.objects.count() == 2


def test_an_address_whose_twins_are_two_different_sites_is_not_guessed(blog, tmp_path):
    builders.make_external_site(
        origin="https://www.blog.example.org", slug="blog-lain", title="Blog Lain"
    )
    path = disqus_file(
        tmp_path,
        disqus_thread(8800021, "http://blog.example.org/2012/02/banjir/"),
        disqus_post(6600021, "<p>Banjirnya sampai dada.</p>", thread=8800021),
    )

    report = run_disqus(path)

    assert counts(report, "thread") == {"failed": 1}
    assert not Comment.objects.exists()


# Disqus: a page's address spelled otherwise than the reader's browser spells it -------------


def test_a_link_kept_with_letters_beyond_ascii_lands_where_browsers_ask(blog, tmp_path):
    # A site that gives Disqus its permalink as the page shows it (Hugo, Jekyll) gives an
    # IRI; the reader's browser, and Kabar's widget with it, asks for the address with
    # those letters percent-encoded as UTF-8.
    asked = sites.resolve("https://blog.example.org/kuliner/kopi-caf%C3%A9/", create=True).target
    path = disqus_file(
        tmp_path,
        disqus_thread(8800061, "https://blog.example.org/kuliner/kopi-café/"),
        disqus_thread(8800062, "https://blog.example.org/عربي/سلام/?ref=رئيسية"),
        disqus_post(6600061, "<p>Kopinya pahit, enak.</p>", thread=8800061),
        disqus_post(6600062, "<p>السلام عليكم</p>", thread=8800062, name="أحمد"),
    )

    report = run_disqus(path)

    assert counts(report, "comment") == {"created": 2}, report.lines()
    assert disqus_comment(6600061).page_id == asked.pk
    arabic = ExternalThread.objects.get(pk=disqus_comment(6600062).page_id)
    assert arabic.address == (
        "https://blog.example.org/%D8%B9%D8%B1%D8%A8%D9%8A/%D8%B3%D9%84%D8%A7%D9%85/"
    )
    assert disqus_comment(6600062).author_name == "أحمد"
    assert ExternalThread.objects.count() == 2
    assert counts(run_disqus(path), "comment") == {"unchanged": 2}


def test_a_link_without_the_trailing_slash_finds_the_thread_kabar_has_with_it(blog, tmp_path):
    # Disqus keeps a page under the first address it was seen at: before the site ended
    # its addresses with "/", or with its escapes in other capitals than the site's now.
    slash = sites.resolve("https://blog.example.org/2016/08/tol/", create=True).target
    escaped = sites.resolve("https://blog.example.org/2016/08/caf%c3%a9", create=True).target
    path = disqus_file(
        tmp_path,
        disqus_thread(8800071, "https://blog.example.org/2016/08/tol"),
        disqus_thread(8800072, "https://blog.example.org/2016/08/caf%C3%A9/"),
        disqus_thread(8800073, "https://blog.example.org/2016/08/pasar"),
        disqus_thread(8800074, "https://blog.example.org/2016/08/pasar/"),
        disqus_post(6600071, "<p>Macet total.</p>", thread=8800071),
        disqus_post(6600072, "<p>Kafenya tutup.</p>", thread=8800072),
        disqus_post(6600073, "<p>Pasarnya baru.</p>", thread=8800073),
        disqus_post(6600074, "<p>Parkirnya sempit.</p>", thread=8800074),
    )

    report = run_disqus(path)

    assert counts(report, "comment") == {"created": 4}, report.lines()
    assert disqus_comment(6600071).page_id == slash.pk
    assert disqus_comment(6600072).page_id == escaped.pk
    # Two threads of one page in the export: one thread here, made at the first address.
    assert disqus_comment(6600073).page_id == disqus_comment(6600074).page_id
    assert ExternalThread.objects.count() == 3
    notes = {p[1]: p[3] for p in report.problems if p[0] == "thread"}
    assert notes["8800071"] == (
        "Kabar keeps this page's thread at https://blog.example.org/2016/08/tol/: "
        "its comments go there"
    )
    assert counts(run_disqus(path), "comment") == {"unchanged": 4}


# Disqus: order of the file ---------------------------------------------------------------


def test_posts_naming_their_thread_by_identifier_before_it_is_listed_are_kept(blog, tmp_path):
    # A post may name its thread by the thread's <id> (the page's identifier) instead of
    # its dsq:id, and the threads may come after the posts.
    path = disqus_file(
        tmp_path,
        disqus_post(6600031, "<p>Semoga tarifnya tidak naik.</p>", thread_text="berita-41"),
        disqus_thread(
            8800031,
            "https://blog.example.org/?p=41",
            identifier="berita-41",
            title="Tarif angkot",
        ),
    )

    report = run_disqus(path)

    assert counts(report, "comment") == {"created": 1}
    # Only the note that the site's threads leave the query (?p=41) out.
    assert [p[3] for p in report.problems if "keep the query string" not in p[3]] == []
    thread = ExternalThread.objects.get()
    assert disqus_comment(6600031).page_id == thread.pk


# Remark42 ---------------------------------------------------------------------------------


def remark42_line(
    comment_id,
    text,
    *,
    name,
    pid="",
    url="https://blog.example.org/kuliner/",
    time="2026-11-20T09:41:07.918273645+07:00",
):
    return json.dumps(
        {
            "id": comment_id,
            "pid": pid,
            "text": text,
            "orig": "",
            "user": {
                "name": name,
                "id": f"github_{comment_id[:8]}",
                "picture": "",
                "ip": "0b6f2a1c9d8e7f60a5b4c3d2e1f0a9b8c7d6e5f4",
                "admin": False,
            },
            "locator": {"site": "blogteman", "url": url},
            "score": 0,
            "vote": 0,
            "time": time,
            "title": "Warung &amp; kedai di Banjarmasin",
        },
        ensure_ascii=False,
    )


def test_remark42_names_are_kept_as_readers_saw_them_not_html_escaped(blog, tmp_path):
    # Remark42 keeps a user's name HTML-escaped (SanitizeText): "&amp;" for "&", "&lt;" for "<".
    lines = [
        json.dumps({"version": 1, "users": [], "posts": []}),
        remark42_line(
            "a1b2c3d4-0000-4000-8000-000000000001",
            "<p>Nasi kuningnya enak.</p>\n",
            name="Warung Ani &amp; Budi",
        ),
        remark42_line(
            "a1b2c3d4-0000-4000-8000-000000000002",
            "<p>Setuju!</p>\n",
            name="Dewi &lt;3 kuliner",
            pid="a1b2c3d4-0000-4000-8000-000000000001",
        ),
    ]
    path = tmp_path / "backup-blogteman-20261201.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))

    import_comments(read_remark42(str(path), now=NOW))

    names = sorted(Comment.objects.values_list("author_name", flat=True))
    assert names == ["Dewi <3 kuliner", "Warung Ani & Budi"]
    page = Client().get(ExternalThread.objects.get().url).content.decode()
    assert "Warung Ani &amp; Budi" in page
    assert "&amp;amp;" not in page and "&amp;lt;" not in page


def remark42_backup(tmp_path, *lines):
    path = tmp_path / "backup-blogteman-20261201.gz"
    meta = json.dumps({"version": 1, "users": [], "posts": []})
    path.write_bytes(gzip.compress(("\n".join([meta, *lines]) + "\n").encode()))
    return path


def test_remark42_a_comment_at_gos_zero_time_is_reported_not_dated_year_one(blog, tmp_path):
    # Remark42 is written in Go: a time it never had is written as Go's zero time.
    path = remark42_backup(
        tmp_path,
        remark42_line("c0000000-0000-4000-8000-000000000001", "<p>Lama.</p>", name="Ani"),
        remark42_line(
            "c0000000-0000-4000-8000-000000000002",
            "<p>Tanpa tanggal.</p>",
            name="Budi",
            time="0001-01-01T00:00:00Z",
        ),
    )

    report = import_comments(read_remark42(str(path), now=NOW))

    assert counts(report, "comment") == {"created": 1, "failed": 1}
    assert [p[3] for p in report.problems] == [
        "its time is Go's zero time (0001-01-01T00:00:00Z): Remark42 kept no date for it"
    ]
    assert Comment.objects.get().author_name == "Ani"
    assert not Comment.objects.filter(created_at__year__lt=1970).exists()


def test_remark42_an_address_kept_html_escaped_finds_its_thread(blog, tmp_path):
    # Remark42 keeps locator.url as bluemonday writes an href (SanitizeAsURL): "&amp;".
    blog.keep_query = True
    blog.save()
    page = "https://blog.example.org/forum?topik=7&bahasa=id"
    thread = sites.resolve(page, create=True).target
    path = remark42_backup(
        tmp_path,
        remark42_line(
            "d0000000-0000-4000-8000-000000000001",
            "<p>Setuju.</p>",
            name="Ani",
            url="https://blog.example.org/forum?topik=7&amp;bahasa=id",
        ),
    )

    report = import_comments(read_remark42(str(path), now=NOW))

    assert counts(report, "thread") == {"unchanged": 1}, report.lines()
    assert list(ExternalThread.objects.values_list("address", flat=True)) == [page]
    assert Comment.objects.get().page_id == thread.pk


def test_remark42_ip_hashes_are_not_counted_as_invalid_addresses(blog, tmp_path):
    path = remark42_backup(
        tmp_path, remark42_line("e0000000-0000-4000-8000-000000000001", "<p>Ya.</p>", name="Ani")
    )

    report = import_comments(read_remark42(str(path), now=NOW))

    assert report.ips_left_out == 0
    assert Comment.objects.get().ip_address is None


# Addresses of commenters ----------------------------------------------------------------------


def test_invalid_ip_addresses_are_left_out_and_counted_in_one_line(blog, tmp_path):
    path = disqus_file(
        tmp_path,
        disqus_thread(8800041, "https://blog.example.org/2016/06/ojek/"),
        disqus_post(6600041, "<p>Satu.</p>", thread=8800041, ip="unknown"),
        disqus_post(6600042, "<p>Dua.</p>", thread=8800041, ip="203.0.113.300"),
        disqus_post(6600043, "<p>Tiga.</p>", thread=8800041),
        disqus_post(6600044, "<p>Empat.</p>", thread=8800041, ip=""),
    )

    report = run_disqus(path)

    assert counts(report, "comment") == {"created": 4}
    assert report.ips_left_out == 2
    assert [line for line in report.lines() if "IP" in line] == [
        "IP addresses not valid, left out: 2"
    ]
    assert report.as_dict()["ips_left_out"] == 2
    assert not report.problems
    assert disqus_comment(6600041).ip_address is None
    assert disqus_comment(6600043).ip_address == "203.0.113.61"


# Messages that are markup and no words --------------------------------------------------------


def test_remark42_a_comment_that_is_only_a_picture_keeps_the_pictures_address(blog, tmp_path):
    # Remark42 keeps an uploaded picture as Markdown's image, rendered: <img src alt>.
    picture = "https://komentar.blog.example.org/api/v1/picture/github_5b1c/0a9f.png"
    path = remark42_backup(
        tmp_path,
        remark42_line(
            "f0000000-0000-4000-8000-000000000001",
            f'<p><img src="{picture}" alt=""/></p>\n',
            name="Ani",
        ),
        remark42_line(
            "f0000000-0000-4000-8000-000000000002",
            f'<p>Ini fotonya: <img src="{picture}" alt="antrean di loket"/></p>\n',
            name="Budi",
        ),
    )

    report = import_comments(read_remark42(str(path), now=NOW))

    assert counts(report, "comment") == {"created": 2}
    assert sorted(Comment.objects.values_list("body", flat=True)) == [
        f"Ini fotonya: antrean di loket ({picture})",
        picture,
    ]


def test_disqus_a_message_of_markup_without_words_is_no_comment_and_stores_no_markup(
    blog, tmp_path
):
    path = disqus_file(
        tmp_path,
        disqus_thread(8800051, "https://blog.example.org/2016/07/listrik/"),
        disqus_post(6600051, '<img src="x" onerror="alert(1)">', thread=8800051),
        disqus_post(6600052, '<p><a href="javascript:alert(1)"></a></p>', thread=8800051),
        disqus_post(6600053, "<p>Listrik padam lagi.</p>", thread=8800051),
    )

    report = run_disqus(path)

    assert counts(report, "comment") == {"created": 1, "failed": 2}
    assert [(p[1], p[3]) for p in report.problems] == [
        ("6600051", "an empty comment"),
        ("6600052", "an empty comment"),
    ]
    assert list(Comment.objects.values_list("body", flat=True)) == ["Listrik padam lagi."]
