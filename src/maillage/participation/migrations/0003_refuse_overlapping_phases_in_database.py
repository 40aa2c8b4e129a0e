"""The database itself refuses two overlapping phases of one process.

Services check overlap under a lock on the process and say which phase clashes; this trigger is
the guarantee behind them (a write that bypasses the services, an admin edit, a script).
Neither SQLite nor PostgreSQL without btree_gist has an exclusion constraint on two columns, so
each gets a trigger; both compare [starts_at, ends_at) half-open intervals, so back-to-back
phases are allowed.
"""

from django.db import migrations

OVERLAP = ("SELECT 1 FROM participation_phase p WHERE p.process_id = NEW.process_id "
           "AND p.id <> NEW.id AND p.starts_at < NEW.ends_at AND p.ends_at > NEW.starts_at")

SQLITE_UP = [
    f"""CREATE TRIGGER participation_phase_no_overlap_insert
        BEFORE INSERT ON participation_phase
        WHEN EXISTS ({OVERLAP.replace('AND p.id <> NEW.id ', '')})
        BEGIN SELECT RAISE(ABORT, 'participation_phase_no_overlap'); END""",
    f"""CREATE TRIGGER participation_phase_no_overlap_update
        BEFORE UPDATE OF process_id, starts_at, ends_at ON participation_phase
        WHEN EXISTS ({OVERLAP})
        BEGIN SELECT RAISE(ABORT, 'participation_phase_no_overlap'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS participation_phase_no_overlap_insert",
    "DROP TRIGGER IF EXISTS participation_phase_no_overlap_update",
]
POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION participation_phase_no_overlap() RETURNS trigger AS $$
        BEGIN
          IF EXISTS ({OVERLAP.replace('NEW.id', 'COALESCE(NEW.id, -1)')}) THEN
            RAISE EXCEPTION 'participation_phase_no_overlap' USING ERRCODE = '23P01';
          END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER participation_phase_no_overlap
        BEFORE INSERT OR UPDATE OF process_id, starts_at, ends_at ON participation_phase
        FOR EACH ROW EXECUTE FUNCTION participation_phase_no_overlap()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS participation_phase_no_overlap ON participation_phase",
    "DROP FUNCTION IF EXISTS participation_phase_no_overlap()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("participation", "0002_add_opinion_maps"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
