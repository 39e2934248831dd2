import json
import re
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from defusedxml.ElementTree import fromstring as defused_fromstring
from django.test import Client, override_settings
from wagtail.models import Site

from kabar.core.page_cache import HEADER
from kabar.news.feeds import FEED_SIZE
from kabar.news.models import ArticleNotice, NewsSettings
from kabar.news.pictures import make_renditions
from tests import builders
from tests.news.test_images import make_image

pytestmark = pytest.mark.django_db
EMAIL = "pemberi.komentar@example.org"


def test_site_feed_lists_latest_live_articles(client, section, author):
    articles = builders.make_articles(section, 3, authors=[author])
    draft = builders.make_article(section, "Belum terbit")
    draft.unpublish()
    response = client.get("/feed/")
    body = response.content.decode()
    assert response["Content-Type"].startswith("application/rss+xml")
    assert body.index(articles[0].title) < body.index(articles[2].title)
    assert "Belum terbit" not in body
    assert f"http://localhost{articles[0].url}" in body  # the Site's address
    assert author.name in body


def test_section_feed_only_has_that_section(client, home, section):
    other = builders.make_section(home, "Ekonomi", slug="ekonomi")
    builders.make_article(section, "Dari luar negeri")
    builders.make_article(other, "Dari pasar")
    atom = client.get("/feed/rubrik/ekonomi/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    body = atom.content.decode()
    assert "Dari pasar" in body and "Dari luar negeri" not in body
    assert client.get("/feed/rubrik/tidak-ada/").status_code == 404


def test_feed_queries_do_not_grow_with_articles(section, author, django_assert_max_num_queries):
    client = Client()
    builders.make_articles(section, 2, authors=[author])
    with django_assert_max_num_queries(20) as few:
        client.get("/feed/")
    builders.make_articles(section, 12, authors=[author])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/feed/")


def test_article_structured_data_is_public_facts_only(client, article, author):
    builders.submit(article, email=EMAIL, approve=True)
    html = client.get(article.url).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["author"][0]["name"] == author.name
    assert data["commentCount"] == 1
    assert data["articleSection"] == "Kabar Internasional"
    assert EMAIL not in block and "203.0.113.9" not in block


def test_structured_data_cannot_be_broken_out_of(client, section):
    article = builders.make_article(section, "Judul </script><script>alert(1)</script>")
    html = client.get(article.url).content.decode()
    assert "</script><script>alert(1)" not in html


# Every feed kind, checked against RSS 2.0 and RFC 4287 (Atom) with an XML parser.

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def feed_kinds(section, tag_slug, author):
    """(rss path, atom path) of every kind of feed: site, section, tag, author."""
    return [
        ("/feed/", "/feed/atom/"),
        (f"/feed/rubrik/{section.slug}/", f"/feed/rubrik/{section.slug}/atom/"),
        (f"/feed/topik/{tag_slug}/", f"/feed/topik/{tag_slug}/atom/"),
        (f"/feed/penulis/{author.slug}/", f"/feed/penulis/{author.slug}/atom/"),
    ]


def parse(client, path, content_type):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith(content_type), path
    return response.content, defused_fromstring(response.content)


def check_rss(client, path):
    """The RSS 2.0 rules; returns the parsed items."""
    raw, root = parse(client, path, "application/rss+xml")
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for name in ("title", "link", "description"):
        assert channel.findtext(name), (path, name)
    assert channel.findtext("link").startswith("http://localhost/")
    self_links = [link for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert [link.get("href") for link in self_links] == [f"http://localhost{path}"]
    items = channel.findall("item")
    assert len(items) <= FEED_SIZE
    guids = [item.findtext("guid") for item in items]
    assert len(set(guids)) == len(guids)
    for item in items:
        assert item.findtext("title") or item.findtext("description")
        assert item.findtext("link").startswith("http://localhost/")
        assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
    if any(item.find(CONTENT_ENCODED) is not None for item in items):
        assert b'xmlns:content="http://purl.org/rss/1.0/modules/content/"' in raw
    return items


def check_atom(client, path):
    """The RFC 4287 rules; returns the parsed entries."""
    _raw, root = parse(client, path, "application/atom+xml")
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, (path, name)
    assert RFC3339.match(root.findtext(f"{ATOM}updated"))
    assert any(link.get("rel") == "self" for link in root.findall(f"{ATOM}link"))
    entries = root.findall(f"{ATOM}entry")
    feed_author = root.find(f"{ATOM}author") is not None
    ids = []
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, (path, name)
        ids.append(entry.findtext(f"{ATOM}id"))
        assert ids[-1].startswith(("http://localhost/", "tag:"))
        for name in ("updated", "published"):
            if entry.find(f"{ATOM}{name}") is not None:
                assert RFC3339.match(entry.findtext(f"{ATOM}{name}"))
        alternate = [
            link for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate"
        ]
        assert entry.find(f"{ATOM}content") is not None or alternate
        assert feed_author or entry.find(f"{ATOM}author") is not None
    assert len(set(ids)) == len(ids)
    return entries


@pytest.fixture
def tagged(home, section, author):
    """Articles in two sections, by two authors, two of them tagged "banjir"."""
    other_section = builders.make_section(home, "Ekonomi", slug="ekonomi")
    other_author = builders.make_author("Dewi Lestari")
    mine = builders.make_article(section, "Sungai meluap di hulu", authors=[author])
    both = builders.make_article(other_section, "Harga beras naik", authors=[author, other_author])
    theirs = builders.make_article(other_section, "Pasar pagi ramai", authors=[other_author])
    for article in (mine, both):
        article.tags.add("banjir")
        article.save_revision().publish()
    return {"mine": mine, "both": both, "theirs": theirs, "other_author": other_author}


def titles(items, ns=""):
    return {item.findtext(f"{ns}title") for item in items}


def test_every_feed_kind_is_valid_rss_and_atom(client, section, author, tagged):
    builders.submit(tagged["mine"], email=EMAIL, approve=True)
    for rss, atom in feed_kinds(section, "banjir", author):
        assert check_rss(client, rss)
        assert check_atom(client, atom)
        for path in (rss, atom):
            body = client.get(path).content.decode()
            assert EMAIL not in body and "203.0.113.9" not in body


def test_tag_and_author_feeds_hold_exactly_their_articles(client, section, author, tagged):
    assert titles(check_rss(client, "/feed/topik/banjir/")) == {
        "Sungai meluap di hulu",
        "Harga beras naik",
    }
    assert titles(check_atom(client, "/feed/topik/banjir/atom/"), ATOM) == {
        "Sungai meluap di hulu",
        "Harga beras naik",
    }
    other = tagged["other_author"]
    assert titles(check_rss(client, f"/feed/penulis/{other.slug}/")) == {
        "Harga beras naik",
        "Pasar pagi ramai",
    }
    assert titles(check_atom(client, f"/feed/penulis/{author.slug}/atom/"), ATOM) == {
        "Sungai meluap di hulu",
        "Harga beras naik",
    }


def test_items_carry_byline_categories_and_dates(client, section, author, tagged):
    (item,) = [
        i
        for i in check_rss(client, "/feed/topik/banjir/")
        if i.findtext("title") == "Harga beras naik"
    ]
    assert (
        item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Rina Hartono, Dewi Lestari"
    )
    assert {c.text for c in item.findall("category")} == {"Ekonomi", "banjir"}
    both = tagged["both"]
    assert item.findtext("guid") == (
        f"tag:localhost,{both.first_published_at:%Y-%m-%d}:article-{both.pk}"
    )
    assert item.find("guid").get("isPermaLink") == "false"
    assert item.findtext("link") == f"http://localhost{both.url}"
    (entry,) = [
        e
        for e in check_atom(client, "/feed/topik/banjir/atom/")
        if e.findtext(f"{ATOM}title") == "Sungai meluap di hulu"
    ]
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Rina Hartono"
    assert entry.findtext(f"{ATOM}author/{ATOM}uri") == f"http://localhost/penulis/{author.slug}/"
    assert entry.findtext(f"{ATOM}summary") == "Ringkasan singkat berita ini."


def test_a_correction_moves_the_items_updated_time(client, section, author):
    article = builders.make_article(section, "Jembatan dibuka", authors=[author])
    later = article.last_published_at + timedelta(days=2)
    ArticleNotice.objects.create(article=article, text="Nama jembatan diperbaiki.", issued_at=later)
    (entry,) = check_atom(client, "/feed/atom/")
    updated = datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
    assert updated == later


def test_unknown_tag_or_author_is_a_404(client, section, author, tagged):
    for path in (
        "/feed/topik/tidak-ada/",
        "/feed/topik/tidak-ada/atom/",
        "/feed/penulis/tidak-ada/",
        "/feed/penulis/tidak-ada/atom/",
    ):
        assert client.get(path).status_code == 404, path
    # A tag only a draft carries is not shown to exist.
    draft = builders.make_article(section, "Belum siap")
    draft.tags.add("rahasia")
    draft.save_revision()
    draft.unpublish()
    assert client.get("/feed/topik/rahasia/").status_code == 404


def test_feeds_hold_at_most_fifty(client, section):
    builders.make_articles(section, FEED_SIZE + 2)
    assert FEED_SIZE == 50
    assert len(check_rss(client, "/feed/")) == FEED_SIZE
    assert len(check_atom(client, f"/feed/rubrik/{section.slug}/atom/")) == FEED_SIZE


def full_text(on):
    site = Site.objects.get(is_default_site=True)
    settings_row = NewsSettings.for_site(site)
    settings_row.feeds_full_text = on
    settings_row.save()


@pytest.fixture
def illustrated(section, author, tagged):
    picture = make_image("Foto banjir")
    make_renditions(picture, slots=("column",))
    linked = tagged["theirs"]
    body = [
        ("paragraph", f'<p>Air naik <a linktype="page" id="{linked.pk}">sejak pagi</a>.</p>'),
        ("image", {"image": picture, "caption": "Jalan tergenang", "credit": ""}),
    ]
    article = builders.make_article(section, "Banjir di kota", authors=[author], body=body)
    return article


def test_full_text_is_off_by_default_and_on_by_the_site_setting(client, section, illustrated):
    items = check_rss(client, "/feed/")
    assert all(item.find(CONTENT_ENCODED) is None for item in items)
    assert b"xmlns:content" not in client.get("/feed/").content
    assert all(e.find(f"{ATOM}content") is None for e in check_atom(client, "/feed/atom/"))

    full_text(True)
    items = check_rss(client, "/feed/")
    (item,) = [i for i in items if i.findtext("title") == "Banjir di kota"]
    html = item.findtext(CONTENT_ENCODED)
    assert item.findtext("description") == "Ringkasan singkat berita ini."
    assert 'href="http://localhost/' in html and "sejak pagi" in html
    srcs = re.findall(r'\s(?:src|srcset)="([^"]+)"', html)
    assert srcs and all(
        candidate.strip().startswith("http://localhost/media/")
        for src in srcs
        for candidate in src.split(",")
    )
    assert "Jalan tergenang" in html
    (entry,) = [
        e
        for e in check_atom(client, "/feed/atom/")
        if e.findtext(f"{ATOM}title") == "Banjir di kota"
    ]
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html" and "sejak pagi" in content.text
    assert entry.findtext(f"{ATOM}summary") == "Ringkasan singkat berita ini."
    # The picture as the article page shows it: the same renditions.
    page_html = client.get(illustrated.url).content.decode()
    rendition_path = re.search(r'src="(/media/images/[^"]+)"', html.replace("http://localhost", ""))
    assert rendition_path and rendition_path[1] in page_html


@pytest.mark.parametrize("full", [False, True])
def test_every_feed_kind_has_bounded_queries(section, author, full, django_assert_max_num_queries):
    client = Client()
    picture = make_image("Foto uji")
    make_renditions(picture, slots=("column",))
    full_text(full)

    def add(count):
        for n in range(count):
            body = [
                ("paragraph", f'<p>Isi <a linktype="page" id="{section.pk}">berita</a> uji.</p>'),
                ("image", {"image": picture, "caption": f"Foto {n}", "credit": ""}),
            ]
            article = builders.make_article(section, f"Berita {n}", authors=[author], body=body)
            article.tags.add("uji", f"tambahan-{n}")
            article.save_revision().publish()

    add(2)
    paths = [path for pair in feed_kinds(section, "uji", author) for path in pair]
    counts = {}
    for path in paths:
        with django_assert_max_num_queries(25) as few:
            assert client.get(path).status_code == 200
        counts[path] = len(few.captured_queries)
    add(8)
    for path in paths:
        with django_assert_max_num_queries(counts[path]):
            assert client.get(path).status_code == 200


def test_autodiscovery_links_point_to_live_feeds(client, home, section, author, tagged):
    pages = {
        "/": ["/feed/", "/feed/atom/"],
        section.url: ["/feed/", f"/feed/rubrik/{section.slug}/"],
        tagged["mine"].url: ["/feed/", f"/feed/rubrik/{section.slug}/atom/"],
        "/topik/banjir/": ["/feed/topik/banjir/", "/feed/topik/banjir/atom/"],
        author.get_absolute_url(): [
            f"/feed/penulis/{author.slug}/",
            f"/feed/penulis/{author.slug}/atom/",
        ],
    }
    for url, expected in pages.items():
        html = client.get(url).content.decode()
        head = html.split("</head>")[0]
        links = re.findall(
            r'<link rel="alternate" type="(application/(?:rss|atom)\+xml)"'
            r' title="[^"]+" href="([^"]+)">',
            head,
        )
        hrefs = [href for _type, href in links]
        for path in expected:
            assert path in hrefs, (url, path)
        for content_type, href in links:
            response = client.get(href)
            assert response.status_code == 200, href
            assert response["Content-Type"].startswith(content_type), href


def test_publishing_sends_caches_in_front_its_tag_and_author_feeds(
    page_cache, section, author, django_capture_on_commit_callbacks
):
    from tests.news.test_purge import _sent_paths, recording

    article = builders.make_article(section, "Gempa kecil di selatan", authors=[author])
    article.tags.add("gempa")
    with override_settings(
        WAGTAILFRONTENDCACHE={
            "recorder": {
                "BACKEND": f"{recording.__name__}.RecordingBackend",
                "LOCATION": "http://cache",
            }
        }
    ):
        recording.SENT.clear()
        with django_capture_on_commit_callbacks(execute=True):
            article.save_revision().publish()
        sent = _sent_paths(recording.SENT)
        recording.SENT.clear()
    assert {
        "/feed/",
        "/feed/atom/",
        f"/feed/rubrik/{section.slug}/",
        "/topik/gempa/",
        "/feed/topik/gempa/",
        "/feed/topik/gempa/atom/",
        author.get_absolute_url(),
        f"/feed/penulis/{author.slug}/",
        f"/feed/penulis/{author.slug}/atom/",
    } <= sent


def test_switching_full_text_on_refreshes_cached_feeds(
    page_cache, section, author, django_capture_on_commit_callbacks
):
    builders.make_article(section, "Hujan deras semalam", authors=[author])
    Client().get("/feed/")
    cached = Client().get("/feed/")
    assert cached.get(HEADER) == "hit" and b"content:encoded" not in cached.content
    with django_capture_on_commit_callbacks(execute=True):
        full_text(True)
    fresh = Client().get("/feed/")
    assert fresh.get(HEADER) == "miss" and b"<content:encoded>" in fresh.content


def test_a_standfirst_is_text_in_every_feed_reader(client, section):
    # A feed's description is HTML to its readers: the standfirst's "<" and "&" are
    # escaped once more than the XML needs, and markup typed into it stays text.
    article = builders.make_article(section, "Harga naik")
    article.standfirst = "Harga naik < 5% & <b>stabil</b> ]]> akhir"
    article.save_revision().publish()
    rss = defused_fromstring(client.get("/feed/").content)
    (description,) = [item.findtext("description") for item in rss.iter("item")]
    assert description == "Harga naik &lt; 5% &amp; &lt;b&gt;stabil&lt;/b&gt; ]]&gt; akhir"


def test_an_article_keeps_its_id_when_it_moves(client, home, section):
    # RFC 4287, 4.2.6: an entry's id never changes when it is relocated; keyed by the
    # address, a feed reader showed a re-sectioned story twice.
    article = builders.make_article(section, "Pindah rubrik")
    before = {i.findtext("title"): i.findtext("guid") for i in check_rss(client, "/feed/")}
    other = builders.make_section(home, "Ekonomi", slug="ekonomi")
    article.move(other, pos="last-child")
    article.refresh_from_db()
    after = {i.findtext("title"): i.findtext("guid") for i in check_rss(client, "/feed/")}
    assert after["Pindah rubrik"] == before["Pindah rubrik"]
    atom = {
        e.findtext(f"{ATOM}title"): e.findtext(f"{ATOM}id")
        for e in check_atom(client, "/feed/atom/")
    }
    assert atom["Pindah rubrik"] == before["Pindah rubrik"]
