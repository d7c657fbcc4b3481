"""When an incident was last imported is no fact: importing the same incidents again (an export
read every day, a webhook relayed under new event ids) sets only `imported_at`, which nothing reads,
and no longer moves the facts' write generation, so the next `charter sync` keeps its snapshot.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from charter.store.schema_generation import fact_columns, replace_update_trigger

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _replace(not_facts={"imported_at"})


def downgrade() -> None:
    _replace(not_facts=set())


def _replace(not_facts: set[str]) -> None:
    connection = op.get_bind()
    columns = ((column["name"], column["type"]) for column in sa.inspect(connection).get_columns("incidents"))
    replace_update_trigger(connection, "incidents", fact_columns(columns, not_facts))
