"""The kernel every program's rules use: the working-day calendar, errors, the journal's hash
chain, limits, attachments' file checks, notification kinds and the YAML format. Each program's
own rules are a subpackage beside it (``domain.cnlic`` is program 1).

No Temporal, database, web or clock import here: callers pass ``today`` and a calendar.
"""
