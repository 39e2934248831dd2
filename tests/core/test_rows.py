"""A row of plain SQL read into a model instance converts each value as Django's own
queries do (kabar.core.rows): on SQLite a date arrives as text and a boolean as an integer."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from kabar.core import rows

pytestmark = pytest.mark.django_db


def test_a_row_is_read_as_the_orm_reads_it():
    User = get_user_model()
    stored = User.objects.create(
        username="redaktur", email="redaktur@example.org", is_staff=True, last_login=None
    )
    stored.date_joined = timezone.now().replace(microsecond=123456)
    stored.save()
    read = rows.reader(User)
    table = connection.ops.quote_name(User._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {read.select}, 42 FROM {table} WHERE id = %s", [stored.pk])  # noqa: S608
        row = cursor.fetchone()
    found = read(row)
    expected = User.objects.get(pk=stored.pk)
    assert row[-1] == 42
    for field in User._meta.concrete_fields:
        value, wanted = getattr(found, field.attname), getattr(expected, field.attname)
        assert (value, type(value)) == (wanted, type(wanted)), field.name
    assert found.date_joined == stored.date_joined and timezone.is_aware(found.date_joined)
    assert (found._state.adding, found._state.db) == (False, "default")
    found.first_name = "Rina"
    found.save(update_fields=["first_name"])
    assert User.objects.get(pk=stored.pk).first_name == "Rina"


def test_each_thread_gets_a_reader_for_its_own_connection():
    import threading

    User = get_user_model()
    mine = rows.reader(User)
    assert rows.reader(User) is mine
    theirs = []
    thread = threading.Thread(target=lambda: theirs.append(rows.reader(User).connection))
    thread.start()
    thread.join()
    assert theirs and theirs[0] is not mine.connection
