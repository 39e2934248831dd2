"""A new install's front: Wagtail's placeholder page gives way to Kabar's HomePage, once,
and a root page of the newsroom's own is never replaced."""

import pytest
from django.test import Client
from wagtail.models import Page, Site

from kabar.news.homepage import home_page_ensured
from kabar.news.models import HomePage, StandardPage

pytestmark = pytest.mark.django_db


def default_root():
    return Site.objects.get(is_default_site=True).root_page.specific


def test_a_new_install_gets_kabar_s_front_in_place_of_wagtail_s_placeholder():
    placeholder = default_root()
    assert type(placeholder) is Page  # what Wagtail's own migration made
    home = home_page_ensured()
    assert isinstance(home, HomePage) and home.live
    assert default_root() == home
    assert Client().get("/").status_code == 200
    # Once: the next call finds it.
    assert home_page_ensured() == home
    assert HomePage.objects.count() == 1


def test_a_root_page_of_the_newsroom_s_own_is_left_as_it_is():
    placeholder = Site.objects.get(is_default_site=True).root_page
    placeholder.add_child(instance=StandardPage(title="Tentang kami", slug="tentang"))
    assert home_page_ensured() is None
    assert default_root().pk == placeholder.pk
    assert not HomePage.objects.exists()
