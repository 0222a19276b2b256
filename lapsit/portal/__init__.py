"""The portal (SPEC §7): Polres operators upload and get their verdict at once; Polda staff
see who has reported. A FastAPI application (`app.create_app`) whose handlers call the same
plain functions as the CLI; accounts and the audit log live in a SQLAlchemy database.
"""
