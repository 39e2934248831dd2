"""The home front of a new install. Wagtail's first migration makes a placeholder page
("Welcome to your new Wagtail site!") the default Site's root; Kabar's fronts, sections and
imports live under a HomePage. `kabar serve` and the WordPress import put one in its place
on a site that has only the placeholder, so a newsroom's first page is Kabar's front."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Page, Site

from .models import HomePage


def _is_placeholder(page):
    """Wagtail's welcome page: a plain Page (no type of Kabar's) with nothing under it."""
    return page.content_type_id == ContentType.objects.get_for_model(Page).pk and not (
        page.get_children().exists()
    )


@transaction.atomic
def home_page_ensured(title="Kabar"):
    """The default Site's HomePage, made (published, under the tree's root, the Site
    pointed at it) when the Site has none or only Wagtail's placeholder; None when its root
    is another page of the newsroom's, which is left as it is."""
    site = Site.objects.select_for_update().filter(is_default_site=True).first()
    if site is not None:
        root_page = site.root_page.specific
        if isinstance(root_page, HomePage):
            return root_page
        if not _is_placeholder(site.root_page):
            return None
    root = Page.get_first_root_node()
    slug, n = "beranda", 1
    while root.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"beranda-{n}"
    home = root.add_child(instance=HomePage(title=title, slug=slug))
    home.save_revision().publish()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=title
        )
    else:
        site.root_page = home
        site.save(update_fields=["root_page"])
    return home
