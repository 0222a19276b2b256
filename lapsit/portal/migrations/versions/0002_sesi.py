"""Sessions: one row per sign-in, ended by *keluar*, a new password or the account's removal;
failed sign-ins being checked (`diperiksa`), so that attempts arriving at once count exactly.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sesi",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("akun_id", sa.Integer, nullable=False),
        sa.Column("versi_sandi", sa.Integer, nullable=False),
        sa.Column("dibuat_pada", sa.DateTime(timezone=True), nullable=False),
        sa.Column("berakhir_pada", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_sesi_akun", "sesi", ["akun_id"])
    with op.batch_alter_table("gagal_masuk") as batch:
        batch.add_column(
            sa.Column("diperiksa", sa.Boolean, nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("gagal_masuk") as batch:
        batch.drop_column("diperiksa")
    op.drop_table("sesi")
