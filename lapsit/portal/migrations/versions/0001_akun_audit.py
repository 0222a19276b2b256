"""Accounts, the audit log and failed sign-ins.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "akun",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("nama", sa.String(64), nullable=False, unique=True),
        sa.Column("peran", sa.String(8), nullable=False),
        sa.Column("kode_polres", sa.String(64)),
        sa.Column("kode_polda", sa.String(64), nullable=False),
        sa.Column("sandi", sa.String(255), nullable=False),
        sa.Column("versi_sandi", sa.Integer, nullable=False, server_default="1"),
        sa.Column("dibuat_pada", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("waktu", sa.DateTime(timezone=True), nullable=False),
        sa.Column("aksi", sa.String(16), nullable=False),
        sa.Column("akun", sa.String(64), nullable=False),
        sa.Column("peran", sa.String(8)),
        sa.Column("kode_polres", sa.String(64)),
        sa.Column("berkas", sa.String(255)),
        sa.Column("id_submisi", sa.String(64)),
        sa.Column("ukuran", sa.BigInteger),
        sa.Column("alamat", sa.String(64)),
        sa.Column("sah", sa.Boolean),
        sa.Column("duplikat", sa.Boolean),
        sa.Column("atas_nama", sa.Boolean),
        sa.Column("galat", sa.Text),
    )
    op.create_index("ix_audit_polres_berkas", "audit", ["kode_polres", "berkas"])
    op.create_table(
        "gagal_masuk",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("nama", sa.String(64), nullable=False),
        sa.Column("alamat", sa.String(64), nullable=False),
        sa.Column("waktu", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_gagal_masuk", "gagal_masuk", ["nama", "alamat", "waktu"])


def downgrade() -> None:
    op.drop_table("gagal_masuk")
    op.drop_table("audit")
    op.drop_table("akun")
