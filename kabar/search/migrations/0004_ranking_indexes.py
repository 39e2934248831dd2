"""What ranking and filtering read, kept small (kabar.search.query): on SQLite an index of each
entry's headline and opening stems; on PostgreSQL narrow rows and an index on
(section_id, position)."""

import importlib

from django.db import migrations

fulltext = importlib.import_module("kabar.search.migrations.0002_fulltext")

# models.HEAD_SQL and models.LEAD_SQL, as they were when this index was made.
SQLITE_FORWARD = [
    """CREATE INDEX search_entry_head ON search_searchentry (
        position, language,
        (' ' || replace(stemmed_title, ' ', '  ') || ' '),
        (' ' || replace(substr(stemmed_body, 1, 400), ' ', '  ') || ' ')
    )""",
]
SQLITE_BACKWARD = ["DROP INDEX IF EXISTS search_entry_head"]

POSTGRES_FORWARD = [
    # A row's values longer than a few bytes (texts, tsvector) move out of line: the table
    # itself is then ~160 bytes a row, and the rows the GIN index points at are read in a
    # few pages. The tsvector column is made again (0002), which rewrites every row so.
    "ALTER TABLE search_searchentry SET (toast_tuple_target = 128)",
    *fulltext.POSTGRES_BACKWARD,
    *fulltext.POSTGRES_FORWARD,
    # A section's newest entries first, for a common word in a section.
    "CREATE INDEX search_entry_section_position ON search_searchentry (section_id, position)",
]
# The rows stay narrow until rewritten, which does no harm.
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_section_position",
    "ALTER TABLE search_searchentry RESET (toast_tuple_target)",
]


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_position")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
