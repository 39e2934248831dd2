"""Words keep their combining marks (kabar.search.text): on SQLite the FTS5 index made again
with a tokenizer whose tokens keep them too, and on both engines the stems of every entry
whose words they change made again (SQLite matches and ranks them, both engines' snippets
read them; PostgreSQL's tsvector is parsed from the text itself and stays as it is)."""

import importlib
import re

from django.db import migrations

from kabar.search import text

fulltext = importlib.import_module("kabar.search.migrations.0002_fulltext")
position = importlib.import_module("kabar.search.migrations.0003_position")

# As in 0003, its tokens letters, digits, private use (the default) and marks.
SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        stemmed_title, stemmed_body, language, section_id,
        content='search_searchentry', content_rowid='position',
        tokenize="unicode61 categories 'L* N* Co M*'"
    )""",
    *position.SQLITE_FORWARD[1:],  # its triggers, then the index filled from the entries
]
SQLITE_BACKWARD = position.SQLITE_FORWARD  # 0003's table, once fulltext.SQLITE_BACKWARD drops this

# The words as Kabar split them before: letters and digits, a mark a separator.
OLD_WORD = re.compile(r"[^\W_]+")


def _split_anew(value):
    return [word.lower() for word in OLD_WORD.findall(value)] != text.words(value)


def stem_again(entries, batch_size=500):
    """Every entry whose words the marks change stemmed again from its text, as
    services.entry_for stems it; returns how many. `entries` is the SearchEntry model."""
    changed, after = 0, None
    while True:
        batch = entries.objects.order_by("pk").only("pk", "language", "title", "body_text")
        if after is not None:
            batch = batch.filter(pk__gt=after)
        batch = list(batch[:batch_size])
        if not batch:
            return changed
        after = batch[-1].pk
        stale = [entry for entry in batch if _split_anew(entry.title) or _split_anew(entry.body_text)]
        for entry in stale:
            entry.stemmed_title = text.stems(entry.title, entry.language)
            entry.stemmed_body = text.stems(entry.body_text, entry.language)
        entries.objects.bulk_update(stale, ["stemmed_title", "stemmed_body"])
        changed += len(stale)


def index_anew(entries, connection):
    """The stems made again (returns how many entries changed) and, on SQLite, the FTS5
    index made again over them (dropped meanwhile: its triggers would index each twice)."""
    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        for statement in fulltext.SQLITE_BACKWARD if sqlite else ():
            cursor.execute(statement)
        changed = stem_again(entries)
        for statement in SQLITE_FORWARD if sqlite else ():
            cursor.execute(statement)
    return changed


def forward(apps, schema_editor):
    index_anew(apps.get_model("search", "SearchEntry"), schema_editor.connection)


def backward(apps, schema_editor):
    # The stems stay whole words: the old tokenizer splits them at their marks, as the old
    # code splits a query.
    if schema_editor.connection.vendor == "sqlite":
        for statement in [*fulltext.SQLITE_BACKWARD, *SQLITE_BACKWARD]:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_ranking_indexes")]

    operations = [migrations.RunPython(forward, backward)]
