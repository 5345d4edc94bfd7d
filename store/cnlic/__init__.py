"""Program 1's persistence (RULES.md program 1): the journal and read model of the cluster
lifecycles, the 我的待办 queries, the directory of bodies and the versioned 达标值 tables. Its
tables are declared in ``store.models`` with the kernel's, on one metadata, and migrated by the
one alembic chain in ``store/migrations`` that every program shares.
"""
