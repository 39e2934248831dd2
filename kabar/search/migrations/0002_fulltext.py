"""The engine's own full-text index over SearchEntry: FTS5 on SQLite, a tsvector on PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = [
    # External content: the stemmed text is kept once, in search_searchentry; the triggers
    # keep the index in step with every insert, update and delete of an entry.
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        stemmed_title, stemmed_body, language,
        content='search_searchentry', content_rowid='page_id', tokenize='unicode61'
    )""",
    """CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_fts(rowid, stemmed_title, stemmed_body, language)
        VALUES (new.page_id, new.stemmed_title, new.stemmed_body, new.language);
    END""",
    """CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, stemmed_title, stemmed_body, language)
        VALUES ('delete', old.page_id, old.stemmed_title, old.stemmed_body, old.language);
    END""",
    """CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, stemmed_title, stemmed_body, language)
        VALUES ('delete', old.page_id, old.stemmed_title, old.stemmed_body, old.language);
        INSERT INTO search_fts(rowid, stemmed_title, stemmed_body, language)
        VALUES (new.page_id, new.stemmed_title, new.stemmed_body, new.language);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]

# PostgreSQL stems the raw text itself, by the entry's language.
_CONFIG = "(CASE WHEN language = 'en' THEN 'english'::regconfig ELSE 'indonesian'::regconfig END)"
POSTGRES_FORWARD = [
    f"""ALTER TABLE search_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector({_CONFIG}, title), 'A')
        || setweight(to_tsvector({_CONFIG}, body_text), 'B')
    ) STORED""",
    "CREATE INDEX search_entry_document ON search_searchentry USING gin (document)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_document",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS document",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for statement in statements.get(vendor, ()):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
