"""Program 2's store: the round and candidate read model (``models``, Alembic branch
``demonstration``), the round's journal writes (``rounds``) and the one narrow reader of
program 1's records (``cnlic_facts``)."""
