import pytest
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from kabar.discussion.models import Comment, CommentStatus
from kabar.news.demo import demo_data, load_demo
from kabar.news.models import ArticlePage, Author, HomePage, SectionPage

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Load the demo once for the module, inside a transaction rolled back at its end;
    each test still runs in its own savepoint, so what one test writes the next won't see."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


def test_second_load_creates_nothing(demo):
    before = (
        Page.objects.count(),
        get_image_model().objects.count(),
        Author.objects.count(),
        Comment.objects.count(),
    )

    counts = load_demo()

    assert demo["articles"] > 0
    assert set(counts.values()) == {0}
    after = (
        Page.objects.count(),
        get_image_model().objects.count(),
        Author.objects.count(),
        Comment.objects.count(),
    )
    assert after == before


def test_home_page_replaces_welcome_page_on_default_site(demo):
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert site.site_name == "Kabar"
    assert not Page.objects.filter(depth=2, slug="home").exists()


def test_live_articles_span_sections_including_international(demo):
    articles = ArticlePage.objects.live()
    section_titles = set(articles.values_list("section__title", flat=True))

    assert articles.count() >= 12
    assert len(section_titles) >= 3
    assert "Kabar Internasional" in section_titles
    assert SectionPage.objects.live().in_menu().count() == 4


def test_articles_have_published_at_matching_first_published_at(demo):
    for article in ArticlePage.objects.all():
        assert article.published_at == article.first_published_at
        assert article.section_id == article.get_parent().pk


def test_every_article_has_authors_tags_and_lead_image(demo):
    for article in ArticlePage.objects.all():
        assert article.article_authors.exists(), article.slug
        assert 2 <= article.tags.count() <= 4, article.slug
        assert article.lead_image_id is not None, article.slug
        assert article.lead_image_caption and article.lead_image_credit, article.slug


def test_some_articles_are_english_and_one_is_closed(demo):
    assert ArticlePage.objects.filter(language="en").count() == 3
    closed = ArticlePage.objects.get(discussion="closed")
    assert closed.section.slug == "nasional"


def test_exactly_one_comment_is_pending(demo):
    assert Comment.objects.filter(status=CommentStatus.PENDING).count() == 1


def test_discussions_are_threaded(demo):
    approved = Comment.objects.filter(status=CommentStatus.APPROVED)

    assert approved.filter(depth__gte=3).exists()
    assert approved.values("page").distinct().count() >= 4
    assert approved.filter(page__url_path__contains="/kabar-internasional/").exists()


def test_every_article_in_the_data_file_is_live_with_its_byline_and_body(demo):
    specs = demo_data("articles")

    assert ArticlePage.objects.count() == len(specs)
    for spec in specs:
        article = ArticlePage.objects.live().get(slug=spec["slug"])
        byline = article.article_authors.order_by("sort_order").values_list(
            "author__slug", flat=True
        )
        assert article.title == spec["title"]
        assert article.section.slug == spec["section"]
        assert article.dateline == spec["dateline"]
        assert article.source_credit == spec.get("source_credit", "")
        assert list(byline) == spec["authors"]
        assert set(article.tags.names()) == set(spec["tags"])
        for block, item in zip(article.body, spec["body"], strict=True):
            if isinstance(item, str):
                assert block.value.source == f"<p>{item}</p>", spec["slug"]
            elif "html" in item:
                assert block.value.source == item["html"], spec["slug"]
            elif "quote" in item:
                assert block.value["attribution"] == item["attribution"], spec["slug"]
            elif "table" in item:
                assert block.block_type == "table", spec["slug"]
                assert block.value["data"] == item["table"], spec["slug"]
                assert block.value["table_caption"] == item["caption"], spec["slug"]
            elif "image" in item:
                assert block.value["image"].title == f"Demo: {item['image']}", spec["slug"]
            else:
                raise AssertionError(f"a demo block this test does not check: {item!r}")


def test_demo_comment_parents_name_earlier_comments_of_the_same_thread():
    for slug, thread in demo_data("comments")["threads"].items():
        seen = set()
        for spec in thread:
            if "parent" in spec:
                assert spec["parent"] in seen, (slug, spec["id"])
            assert spec["id"] not in seen, (slug, spec["id"])
            seen.add(spec["id"])


def test_every_comment_in_the_data_file_is_stored_under_its_parent(demo):
    data = demo_data("comments")

    for slug, thread in data["threads"].items():
        bodies = {spec["id"]: spec["body"] for spec in thread}
        assert Comment.objects.filter(page__slug=slug).count() == len(thread), slug
        for spec in thread:
            comment = Comment.objects.select_related("parent").get(
                page__slug=slug, body=spec["body"]
            )
            parent_body = comment.parent.body if comment.parent else None
            assert parent_body == bodies.get(spec.get("parent")), (slug, spec["id"])
            assert comment.author_name == data["commenters"][spec["by"]]["name"]
            expected = CommentStatus.PENDING if spec.get("pending") else CommentStatus.APPROVED
            assert comment.status == expected, (slug, spec["id"])
