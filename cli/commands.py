"""Service-layer commands of the ``designation`` CLI (lifecycle, console, audit)."""
