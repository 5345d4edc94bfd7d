"""Pure rules of the CNLIC co-built industrial-cluster program (RULES.md program 1).

No Temporal, database, web or clock import here: callers pass ``today`` and a calendar.
"""
