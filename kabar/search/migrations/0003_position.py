"""SearchEntry.position (publication second and page id in one integer) and, on SQLite, the
FTS5 index keyed by it: the newest matches of a word are then found in the index's own order,
without scoring every match (kabar.search.query)."""

import importlib

from django.db import migrations, models

fulltext = importlib.import_module("kabar.search.migrations.0002_fulltext")

# models.search_position in SQL, for the entries already there.
BACKFILL = {
    "sqlite": """UPDATE search_searchentry SET position =
        (coalesce(CAST(strftime('%s', published_at) AS INTEGER), 0) << 24)
        | (page_id & 16777215)""",
    "postgresql": """UPDATE search_searchentry SET position =
        (coalesce(floor(extract(epoch FROM published_at)), 0)::bigint << 24)
        | (page_id & 16777215)""",
}

# As in 0002, with the entry's position for rowid and its section as a column of its own, so
# that a section filter is one more term of the MATCH ("section_id : 12").
SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        stemmed_title, stemmed_body, language, section_id,
        content='search_searchentry', content_rowid='position', tokenize='unicode61'
    )""",
    """CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_fts(rowid, stemmed_title, stemmed_body, language, section_id)
        VALUES (new.position, new.stemmed_title, new.stemmed_body, new.language,
                new.section_id);
    END""",
    """CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, stemmed_title, stemmed_body, language,
                               section_id)
        VALUES ('delete', old.position, old.stemmed_title, old.stemmed_body, old.language,
                old.section_id);
    END""",
    """CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, stemmed_title, stemmed_body, language,
                               section_id)
        VALUES ('delete', old.position, old.stemmed_title, old.stemmed_body, old.language,
                old.section_id);
        INSERT INTO search_fts(rowid, stemmed_title, stemmed_body, language, section_id)
        VALUES (new.position, new.stemmed_title, new.stemmed_body, new.language,
                new.section_id);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = fulltext.SQLITE_BACKWARD
# PostgreSQL's tsvector and GIN index stay as 0002 made them; position has its own b-tree
# index (unique), walked newest first.
POSTGRES_FORWARD = fulltext.POSTGRES_FORWARD
POSTGRES_BACKWARD = fulltext.POSTGRES_BACKWARD


def _run(statements):
    def run(apps, schema_editor):
        statement_list = statements.get(schema_editor.connection.vendor, ())
        if isinstance(statement_list, str):
            statement_list = [statement_list]
        for statement in statement_list:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [
        # The old FTS5 table (rowid = page id) and its triggers go first: SQLite remakes
        # search_searchentry below.
        migrations.RunPython(
            _run({"sqlite": fulltext.SQLITE_BACKWARD}),
            _run({"sqlite": fulltext.SQLITE_FORWARD}),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="position",
            field=models.BigIntegerField(null=True),
        ),
        migrations.RunPython(_run(BACKFILL), migrations.RunPython.noop),
        migrations.AlterField(
            model_name="searchentry",
            name="position",
            field=models.BigIntegerField(unique=True),
        ),
        migrations.RunPython(_run({"sqlite": SQLITE_FORWARD}), _run({"sqlite": SQLITE_BACKWARD})),
    ]
