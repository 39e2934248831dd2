"""Signed-in admin clients for the tests of bad input in the admin: an administrator, an
editor, a moderator, each reading the admin in English."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from tests import builders


def _client(user):
    client = Client(raise_request_exception=False)
    client.force_login(builders.in_english(user))
    return client


@pytest.fixture
def root(django_user_model):
    return _client(django_user_model.objects.create_superuser("root", "root@example.org", "x"))


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("redaktur", "redaktur@example.org", "x")
    user.groups.add(Group.objects.get(name="Editor"))
    return _client(user)


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user("moderator", "moderator@example.org", "x")
    user.groups.add(Group.objects.get(name="Moderator"))
    return _client(user)


@pytest.fixture(params=["root", "editor"])
def newsroom(request):
    """Someone who may write, publish and choose pages and images: an administrator, an
    editor."""
    return request.getfixturevalue(request.param)
