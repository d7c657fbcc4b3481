"""Webhooks in and out: event ids received (idempotency), signed message ids (replays), the
outgoing subscriptions and their persistent outbox.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

utc_datetime = sa.DateTime(timezone=True)
big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "event_receipts",
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("event_id", sa.String(400), nullable=False),
        sa.Column("received_at", utc_datetime, nullable=False),
        sa.PrimaryKeyConstraint("kind", "event_id", name="pk_event_receipts"),
    )
    op.create_table(
        "webhook_messages",
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("signed_at", sa.BigInteger(), nullable=False),
        sa.Column("received_at", utc_datetime, nullable=False),
        sa.PrimaryKeyConstraint("message_id", name="pk_webhook_messages"),
    )
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(200), nullable=False),
        sa.Column("created", utc_datetime, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("disabled", utc_datetime, nullable=True),
        sa.Column("disabled_reason", sa.String(400), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_subscriptions"),
    )
    op.create_table(
        "webhook_outbox",
        sa.Column("id", big_id, autoincrement=True, nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created", utc_datetime, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt", utc_datetime, nullable=False),
        sa.Column("delivered", utc_datetime, nullable=True),
        sa.Column("failed", utc_datetime, nullable=True),
        sa.Column("last_error", sa.String(400), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_outbox"),
        sa.UniqueConstraint("message_id", name="uq_webhook_outbox_message_id"),
    )
    op.create_index("ix_webhook_outbox_subscription_id", "webhook_outbox", ["subscription_id"])
    op.create_index("ix_webhook_outbox_next_attempt", "webhook_outbox", ["next_attempt"])


def downgrade() -> None:
    op.drop_index("ix_webhook_outbox_next_attempt", table_name="webhook_outbox")
    op.drop_index("ix_webhook_outbox_subscription_id", table_name="webhook_outbox")
    op.drop_table("webhook_outbox")
    op.drop_table("webhook_subscriptions")
    op.drop_table("webhook_messages")
    op.drop_table("event_receipts")
