"""The admin in Indonesian, in real headless Chromium: an editor (group "Editor") and a
moderator (group "Moderator") open every admin screen they use, with Indonesian as their
admin language, and no visible UI string (text, title, aria-label, placeholder) is still an
English message id of Wagtail's or Kabar's catalogues."""

import importlib
import importlib.util
import re
from io import BytesIO
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Site
from wagtail.users.models import UserProfile

from kabar.discussion.services import CommentAuthor, comment_submit
from tests import builders

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "wagtail_messages", ROOT / "scripts" / "wagtail_messages.py"
)
wagtail_messages = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(wagtail_messages)

PASSWORD = "sandi-uji-admin-789"
# Content the test itself made (titles, names) is not UI text; none of it is an English
# msgid, but the check skips it so that a future msgid such as "Editor" cannot make the
# test fail on a group's own name.
CONTENT = {
    "Beranda Kabar",
    "Kabar Internasional",
    "Banjir rob merendam pesisir utara",
    "Harga cabai naik menjelang panen raya",
    "Tinjauan redaksi",
    "Tinjauan editor",
    "Rina Hartono",
    "Foto pesisir",
    "Laporan cuaca",
    "editor",
    "moderator",
    "Editor",
    "Moderator",
    "Penulis",
    "Kabar",
}

# Reading innerText of visible text nodes and the attributes a screen reader or a tooltip
# shows; elements hidden by CSS (closed menus, templates of dialogs) are skipped.
COLLECT = """() => {
  const shown = el => el && el.checkVisibility && el.checkVisibility({visibilityProperty: true});
  const out = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || ['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT'].includes(parent.tagName)) continue;
    if (parent.closest('[contenteditable="true"]')) continue;  // the article's own text
    if (!shown(parent)) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) out.add(text);
  }
  for (const line of document.body.innerText.split('\\n')) {
    const text = line.replace(/\\s+/g, ' ').trim();
    if (text) out.add(text);
  }
  for (const el of document.querySelectorAll('[title], [aria-label], [placeholder]')) {
    if (!shown(el) && el.tagName !== 'INPUT') continue;
    for (const name of ['title', 'aria-label', 'placeholder']) {
      const value = (el.getAttribute(name) || '').replace(/\\s+/g, ' ').trim();
      if (value) out.add(value);
    }
  }
  out.add(document.title.trim());
  return [...out];
}"""


def _english_messages():
    """Every English msgid (singular and plural) of Wagtail's admin apps and of Kabar,
    without those whose Indonesian is the same word ("Email", "Status", "URL")."""
    same = set()
    for path in [
        ROOT / "kabar" / "locale" / "id" / "LC_MESSAGES" / "django.po",
        *sorted((ROOT / "kabar" / "locale_wagtail" / "id" / "LC_MESSAGES").glob("*.po")),
    ]:
        for entry in polib.pofile(str(path)):
            if wagtail_messages.translation_of(entry).strip() == entry.msgid.strip():
                same.add(entry.msgid.strip())
    ids = set()
    kabar = polib.pofile(str(ROOT / "kabar" / "locale" / "id" / "LC_MESSAGES" / "django.po"))
    entries = [entry for _app, entry in wagtail_messages.source_entries().values()]
    for entry in [*entries, *kabar]:
        for msgid in (entry.msgid, entry.msgid_plural):
            text = " ".join((msgid or "").split())
            if text and text not in same:
                ids.add(text)
    return ids


def _patterns(ids):
    """Message ids with placeholders as regular expressions ("Edit '%(title)s'" matches
    "Edit 'Banjir…'"), for those with enough English words around the placeholders."""
    out = []
    for msgid in ids:
        parts = re.split(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[sd]|\{\w+\}", msgid)
        if len(parts) < 2:
            continue
        literal = "".join(parts)
        if len(re.findall(r"[A-Za-z]{3,}", re.sub(r"<[^>]+>", "", literal))) < 2:
            continue
        body = ".+?".join(re.escape(re.sub(r"<[^>]+>", "", p)) for p in parts)
        out.append((msgid, re.compile(rf"^{body}$")))
    return out


ENGLISH = _english_messages()
ENGLISH_PATTERNS = _patterns(ENGLISH)


def english_in(strings):
    found = set()
    for text in strings:
        if text in CONTENT or not re.search(r"[A-Za-z]{2,}", text):
            continue
        if text in ENGLISH:
            found.add(text)
            continue
        for msgid, pattern in ENGLISH_PATTERNS:
            if pattern.match(text) and not any(c in text for c in CONTENT if len(c) > 8):
                found.add(f"{text}  (msgid {msgid!r})")
                break
    return found


def _roles():
    """The newsroom's groups as Kabar's migrations make them (a transactional test empties
    the tables the migrations filled)."""
    for name in ("0004_roles", "0006_roles_newsroom_day"):
        try:
            migration = importlib.import_module(f"kabar.news.migrations.{name}")
        except ModuleNotFoundError:
            continue
        for operation in migration.Migration.operations:
            if hasattr(operation, "code"):
                operation.code(apps, None)


def _jpeg():
    picture = Image.linear_gradient("L").resize((800, 450)).convert("RGB")
    buffer = BytesIO()
    picture.save(buffer, "JPEG", quality=80)
    return buffer


@pytest.fixture
def newsroom(transactional_db, django_user_model):
    home = builders.make_home()
    home.title = "Beranda Kabar"
    home.save_revision().publish()
    section = builders.make_section(home, "Kabar Internasional", slug="kabar-internasional")
    article = builders.make_article(section, "Banjir rob merendam pesisir utara")
    article.save_revision()  # a draft on top of the live version: history has two entries
    builders.make_author("Rina Hartono")
    image = get_image_model().objects.create(
        title="Foto pesisir", file=ImageFile(_jpeg(), name="pesisir.jpg")
    )
    get_document_model().objects.create(
        title="Laporan cuaca", file=ContentFile(b"Cuaca cerah berawan.\n", name="cuaca.txt")
    )
    comment_submit(
        page=article,
        author=CommentAuthor(
            name="Wulan", email="wulan.uji@example.net", ip_address="198.51.100.9"
        ),
        body="Air laut naik sampai ke jalan kampung kami sejak subuh.",
    )
    _roles()
    users = {}
    for role in ("Editor", "Moderator"):
        user = django_user_model.objects.create_user(
            role.lower(), f"{role.lower()}@example.org", PASSWORD, first_name=role
        )
        user.groups.add(Group.objects.get(name=role))
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "id"
        profile.save()
        users[role] = user
    # A story in review ("Tinjauan redaksi") and a locked one: the dashboard's panels, the
    # workflow status and the locking screens show, not only empty states.
    in_review = builders.make_article(section, "Harga cabai naik menjelang panen raya")
    in_review.save_revision(user=users["Editor"])
    in_review.get_workflow().start(in_review, users["Editor"])
    article.locked, article.locked_by, article.locked_at = True, users["Editor"], timezone.now()
    article.save(update_fields=["locked", "locked_by", "locked_at"])
    site = Site.objects.get(is_default_site=True)
    return {
        "section": section,
        "article": article,
        "in_review": in_review,
        "image": image,
        "site": site,
        **users,
    }


def log_in(page, base_url, username):
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def visit(page, url, found):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    path = url.split("/admin", 1)[1]
    for text in english_in(page.evaluate(COLLECT)):
        found.setdefault(text, set()).add(path)


def open_menus(page, found, names):
    """The sidebar's sub-menus ("Laporan", "Bantuan", ...) are closed until clicked."""
    for name in names:
        button = page.locator(f"nav[aria-label] button:has-text('{name}')").first
        if button.count():
            button.click()
            page.wait_for_timeout(200)
            for text in english_in(page.evaluate(COLLECT)):
                found.setdefault(text, set()).add(f"/ (menu {name})")
            page.keyboard.press("Escape")


def report(found):
    lines = [f"{text!r} on {', '.join(sorted(paths))}" for text, paths in sorted(found.items())]
    return f"{len(found)} English UI strings:\n" + "\n".join(lines)


def test_editor_sees_the_admin_in_indonesian(live_server, new_context, newsroom):
    base = live_server.url + "/admin"
    section, article, image, site = (newsroom[k] for k in ("section", "article", "image", "site"))
    page = new_context(viewport={"width": 1280, "height": 1000}).new_page()
    log_in(page, live_server.url, "editor")
    found = {}
    for path in [
        "/",
        f"/pages/{section.pk}/",
        f"/pages/{article.pk}/edit/",
        f"/pages/add/news/articlepage/{section.pk}/",
        f"/pages/{article.pk}/history/",
        f"/pages/{newsroom['in_review'].pk}/edit/",
        f"/pages/{newsroom['in_review'].pk}/history/",
        f"/pages/{newsroom['in_review'].pk}/workflow_history/",
        f"/pages/{article.pk}/revisions/compare/earliest...latest/",
        "/pages/search/?q=banjir",
        "/reports/locked/",
        "/reports/workflow/",
        "/reports/workflow_tasks/",
        "/reports/site-history/",
        "/images/",
        f"/images/{image.pk}/",
        "/images/multiple/add/",
        "/documents/",
        "/documents/multiple/add/",
        "/snippets/",
        "/snippets/news/author/",
        "/snippets/news/author/add/",
        f"/settings/news/newssettings/{site.pk}/",
        f"/settings/discussion/discussionsettings/{site.pk}/",
        "/account/",
        "/comments/",
    ]:
        visit(page, base + path, found)
    page.goto(base + "/")
    open_menus(page, found, ["Laporan", "Bantuan", "Pengaturan", "Reports", "Help", "Settings"])
    assert not found, report(found)


def test_moderator_sees_the_admin_in_indonesian(live_server, new_context, newsroom):
    base = live_server.url + "/admin"
    site = newsroom["site"]
    page = new_context(viewport={"width": 1280, "height": 1000}).new_page()
    log_in(page, live_server.url, "moderator")
    found = {}
    for path in [
        "/",
        "/comments/",
        "/account/",
        "/pages/search/?q=banjir",
        f"/settings/discussion/discussionsettings/{site.pk}/",
        "/reports/workflow/",
    ]:
        visit(page, base + path, found)
    page.goto(base + "/")
    open_menus(page, found, ["Laporan", "Bantuan", "Reports", "Help"])
    assert not found, report(found)
