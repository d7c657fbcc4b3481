"""The metadata every table of the store is declared on (`schema.py` and the modules beside it),
with the constraint naming convention and the 64-bit key type they share."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, MetaData

# Constraint names fixed by convention, so later revisions can name what they alter on both dialects.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# SQLite gives rowids only to INTEGER PRIMARY KEY; PostgreSQL gets 64-bit keys for large tables.
BigId = BigInteger().with_variant(Integer(), "sqlite")
