"""Program 2's commands (RULES.md program 2): ``designation demo-round …`` — open a round,
list and show rounds with their candidates and eligibility evidence, and every step of a round
with ``--data FILE`` (YAML or JSON, checked against the step's schema), the 推荐表's
indicators as XLSX, the commendation document, and a violation on a program-1 cluster.

As the token's user, through ``service.demonstration.rounds``: a refusal is one line with the
rule's code and exit 2.
"""

from __future__ import annotations


import typer


def register(app: typer.Typer) -> None:
    from cli.demonstration.commands import round_app

    app.add_typer(round_app, name="demo-round")
