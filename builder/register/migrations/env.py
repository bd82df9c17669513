"""Alembic environment for the register: run by builder.register.database.migrate.

``migrate`` passes its open connection (already inside a locked transaction) as
``config.attributes["connection"]``. A new revision is written by hand in ``versions/``
(next number, ``down_revision`` the previous one) beside the change to ``schema.py``;
``tests/test_register_schema.py`` checks on both databases that the migrated schema and
``schema.py`` agree.
"""

from __future__ import annotations

from alembic import context

from builder.register.schema import metadata

conn = context.config.attributes.get("connection")
if conn is None:
    raise SystemExit("the register's migrations run through builder.register.open_register()")

context.configure(connection=conn, target_metadata=metadata,
                  render_as_batch=conn.dialect.name == "sqlite", compare_type=True)
with context.begin_transaction():
    context.run_migrations()
