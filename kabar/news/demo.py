"""Kabar's demo site, read from fixtures/demo/*.json with generated images, loaded idempotently
through Wagtail's and the discussion app's own APIs."""

import json
import random
from datetime import timedelta
from io import BytesIO
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from kabar.discussion.models import Comment, CommentStatus
from kabar.discussion.services import CommentAuthor, comment_submit, comments_set_status

from .models import ArticleAuthor, ArticlePage, Author, HomePage, HomeTopStory, SectionPage
from .pictures import make_renditions

DEMO_DATA_DIR = Path(__file__).resolve().parent / "fixtures" / "demo"
LEAD_SIZE = (1200, 675)
PHOTO_SIZE = (400, 400)
IMAGE_CREDIT = "Ilustrasi Kabar"
# Hours between consecutive demo articles: sixteen of them span about ten days.
PUBLISH_STEP_HOURS = 15

PALETTES = {
    "ocean": ((12, 52, 97), (86, 180, 201), (240, 248, 250)),
    "dusk": ((58, 28, 88), (236, 124, 82), (255, 226, 180)),
    "earth": ((71, 45, 28), (196, 140, 72), (244, 226, 190)),
    "forest": ((18, 60, 42), (108, 170, 98), (226, 240, 200)),
    "city": ((32, 36, 48), (120, 132, 156), (236, 238, 244)),
    "sand": ((120, 82, 40), (232, 196, 120), (252, 244, 220)),
    "night": ((8, 14, 40), (62, 82, 160), (200, 210, 255)),
    "rose": ((90, 20, 48), (214, 96, 120), (252, 222, 228)),
}


def demo_data(name):
    """The parsed contents of fixtures/demo/<name>.json."""
    return json.loads((DEMO_DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))


class _Loader:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.counts = {
            "images": 0,
            "authors": 0,
            "pages": 0,
            "articles": 0,
            "top_stories": 0,
            "comments": 0,
            "pending_comments": 0,
            "pages_deleted": 0,
        }
        self.image_model = get_image_model()

    def log(self, message):
        if self.stdout is not None:
            self.stdout.write(message)

    # Images -------------------------------------------------------------------------------

    def image(self, title, render):
        """The image titled `title`, rendered and stored only if no image has that title."""
        existing = self.image_model.objects.filter(title=title).order_by("pk").first()
        if existing is not None:
            return existing
        data = render()
        filename = title.lower().replace("demo: ", "").replace(" ", "-") + ".jpg"
        image = self.image_model(title=title, file=ImageFile(BytesIO(data), name=filename))
        image._set_image_file_metadata()
        image.save()
        # Made now, not on the first reader's view (AVIF takes about a second a width).
        make_renditions(image)
        self.counts["images"] += 1
        return image

    # Pages --------------------------------------------------------------------------------

    def publish_new(self, parent, page):
        parent.add_child(instance=page)
        page.save_revision().publish()
        self.counts["pages"] += 1
        return page

    def home(self, spec):
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            home = self.publish_new(root, HomePage(**spec))
            self.log(f"Created home page {home.title!r}")
        return home

    def site(self, home):
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost",
                port=80,
                root_page=home,
                is_default_site=True,
                site_name="Kabar",
            )
            return
        if site.root_page_id != home.pk or site.site_name != "Kabar":
            site.root_page = home
            site.site_name = "Kabar"
            site.save()

    def remove_welcome_page(self):
        welcome = Page.objects.filter(
            depth=2, slug="home", content_type=ContentType.objects.get_for_model(Page)
        ).first()
        if welcome is not None and not Site.objects.filter(root_page=welcome).exists():
            welcome.delete()
            self.counts["pages_deleted"] += 1
            self.log("Deleted Wagtail's welcome page")

    def sections(self, home, specs):
        sections = {}
        for spec in specs:
            section = SectionPage.objects.child_of(home).filter(slug=spec["slug"]).first()
            if section is None:
                section = self.publish_new(home, SectionPage(**spec, show_in_menus=True))
                self.log(f"Created section {section.title!r}")
            sections[spec["slug"]] = section
        return sections

    def authors(self, specs):
        authors = {}
        for spec in specs:
            author = Author.objects.filter(slug=spec["slug"]).first()
            if author is None:
                fields = dict(spec)
                palette = fields.pop("palette")
                photo = self.image(
                    f"Demo: foto {spec['slug']}",
                    lambda s=spec, p=palette: render_portrait(s["name"], p),
                )
                author = Author.objects.create(**fields, photo=photo)
                self.counts["authors"] += 1
            authors[spec["slug"]] = author
        return authors

    def body_blocks(self, items):
        """StreamField data from the JSON body: a string is a paragraph, objects carry
        raw `html`, a `quote` with its attribution, a `table` (rows, the first the header)
        with its caption, or a generated `image`."""
        blocks = []
        for item in items:
            if isinstance(item, str):
                blocks.append({"type": "paragraph", "value": f"<p>{item}</p>"})
            elif "html" in item:
                blocks.append({"type": "paragraph", "value": item["html"]})
            elif "quote" in item:
                value = {"quote": item["quote"], "attribution": item["attribution"]}
                blocks.append({"type": "quote", "value": value})
            elif "table" in item:
                value = {
                    "data": item["table"],
                    "first_row_is_table_header": True,
                    "first_col_is_header": True,
                    "table_header_choice": "both",
                    "table_caption": item["caption"],
                }
                blocks.append({"type": "table", "value": value})
            elif "image" in item:
                image = self.image(
                    f"Demo: {item['image']}",
                    lambda i=item: render_scene(i["image"], i["label"], i["palette"], LEAD_SIZE),
                )
                value = {"image": image.pk, "caption": item["caption"], "credit": IMAGE_CREDIT}
                blocks.append({"type": "image", "value": value})
            else:
                raise ValueError(f"unknown demo body block: {item!r}")
        return blocks

    def articles(self, specs, sections, authors, now):
        articles = {}
        # The JSON lists articles newest first; each one is published a step before the last.
        for index, spec in enumerate(specs):
            article = ArticlePage.objects.filter(slug=spec["slug"]).first()
            if article is None:
                first = now - timedelta(hours=PUBLISH_STEP_HOURS * index, minutes=(index * 23) % 60)
                article = self.article_create(spec, sections, authors, first)
            articles[spec["slug"]] = article
        return articles

    def article_create(self, spec, sections, authors, first):
        lead = spec["lead"]
        lead_image = self.image(
            f"Demo: {spec['slug']}",
            lambda: render_scene(spec["slug"], lead["label"], lead["palette"], LEAD_SIZE),
        )
        # Fields an article leaves out of the JSON keep the model's defaults.
        optional = {
            key: spec[key] for key in ("source_credit", "language", "discussion") if key in spec
        }
        article = ArticlePage(
            title=spec["title"],
            slug=spec["slug"],
            standfirst=spec["standfirst"],
            dateline=spec["dateline"],
            lead_image=lead_image,
            lead_image_caption=lead["caption"],
            lead_image_credit=IMAGE_CREDIT,
            body=self.body_blocks(spec["body"]),
            is_featured=spec.get("featured", False),
            article_authors=[
                ArticleAuthor(author=authors[slug], sort_order=position)
                for position, slug in enumerate(spec["authors"])
            ],
            **optional,
        )
        article.tags.add(*spec["tags"])
        self.publish_new(sections[spec["section"]], article)
        # A correction published later gives the story an "updated" stamp on the site.
        last = first + timedelta(hours=spec.get("updated_after_hours", 0))
        ArticlePage.objects.filter(pk=article.pk).update(
            first_published_at=first, last_published_at=last, published_at=first
        )
        article.refresh_from_db()
        self.counts["articles"] += 1
        self.log(f"Published {article.title!r}")
        return article

    def top_stories(self, home, slugs, articles):
        if home.top_stories.exists():
            return
        home.top_stories = [
            HomeTopStory(article=articles[slug], sort_order=position)
            for position, slug in enumerate(slugs)
        ]
        home.save_revision().publish()
        self.counts["top_stories"] += len(slugs)

    # Discussion ---------------------------------------------------------------------------

    def discussions(self, data, articles):
        commenters = {key: CommentAuthor(**spec) for key, spec in data["commenters"].items()}
        for slug, thread in data["threads"].items():
            article = articles[slug]
            if Comment.objects.filter(page=article).exists():
                continue
            # A reply names its parent's id, so parents must come before their replies.
            created, approve = {}, []
            for spec in thread:
                comment = comment_submit(
                    page=article,
                    author=commenters[spec["by"]],
                    body=spec["body"],
                    parent=created[spec["parent"]] if "parent" in spec else None,
                )
                created[spec["id"]] = comment
                self.counts["comments"] += 1
                if spec.get("pending"):
                    self.counts["pending_comments"] += 1
                else:
                    approve.append(comment.pk)
            comments_set_status(approve, CommentStatus.APPROVED)

    def run(self):
        now = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=30)
        site = demo_data("site")
        home = self.home(site["home"])
        self.site(home)
        self.remove_welcome_page()
        sections = self.sections(home, site["sections"])
        authors = self.authors(demo_data("authors"))
        articles = self.articles(demo_data("articles"), sections, authors, now)
        self.top_stories(home, site["top_stories"], articles)
        self.discussions(demo_data("comments"), articles)
        return self.counts


def load_demo(stdout=None):
    """Create the demo site, skipping anything already there; returns what was created."""
    with transaction.atomic():
        return _Loader(stdout).run()


# Rendering ---------------------------------------------------------------------------------


def _font(size):
    return ImageFont.load_default(size=size)


def _gradient(size, start, end, flip):
    """A diagonal two-colour gradient, built from Pillow's gradients rather than per pixel."""
    vertical = Image.linear_gradient("L")
    mask = Image.blend(vertical, vertical.rotate(90 if flip else -90), 0.5).resize(size)
    return Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), mask)


def _jpeg(image):
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def render_scene(seed, label, palette_name, size):
    """A seeded abstract composition: gradient sky, soft discs, a horizon and a label."""
    rng = random.Random(seed)
    dark, mid, light = PALETTES[palette_name]
    width, height = size
    canvas = _gradient(size, dark, mid, rng.random() < 0.5).convert("RGBA")

    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for _ in range(7):
        radius = rng.randint(height // 10, height // 2)
        x, y = rng.randint(0, width), rng.randint(0, height)
        draw.ellipse(
            (x - radius, y - radius, x + radius, y + radius),
            fill=(*light, rng.randint(25, 70)),
        )
    horizon = int(height * rng.uniform(0.55, 0.72))
    points = [(0, height), (0, horizon)]
    for step in range(1, 9):
        points.append((width * step // 8, horizon + rng.randint(-40, 40)))
    points.append((width, height))
    draw.polygon(points, fill=(*dark, 170))
    for _ in range(5):
        x = rng.randint(0, width)
        draw.line((x, 0, x + rng.randint(-200, 200), height), fill=(*light, 40), width=3)
    canvas = Image.alpha_composite(canvas, overlay)

    band = Image.new("RGBA", size, (0, 0, 0, 0))
    band_draw = ImageDraw.Draw(band)
    band_draw.rectangle((0, height - 150, width, height), fill=(0, 0, 0, 120))
    canvas = Image.alpha_composite(canvas, band)

    text = ImageDraw.Draw(canvas)
    text.text((48, height - 128), "KABAR", font=_font(28), fill=(*light, 255))
    text.text((48, height - 90), label, font=_font(56), fill=(255, 255, 255, 255))
    return _jpeg(canvas.convert("RGB"))


def render_portrait(name, palette_name):
    """A seeded placeholder portrait: a head-and-shoulders silhouette with initials."""
    rng = random.Random(name)
    dark, mid, light = PALETTES[palette_name]
    width, height = PHOTO_SIZE
    canvas = _gradient(PHOTO_SIZE, mid, dark, rng.random() < 0.5)
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((130, 70, 270, 210), fill=light)
    draw.ellipse((60, 230, 340, 520), fill=light)
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    draw.text((width - 24, 24), initials, font=_font(48), fill=(255, 255, 255), anchor="ra")
    return _jpeg(canvas)
