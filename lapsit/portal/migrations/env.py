"""Alembic's entry point for the portal's migrations: run on the connection `db.upgrade` hands in."""

from alembic import context

connection = context.config.attributes["connection"]
# `render_as_batch`: SQLite alters a table by copying it, which Alembic's batch mode does.
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
