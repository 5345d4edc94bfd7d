"""Program 2's console: the API under ``/api/demonstration/…`` (and the violation record on a
program-1 cluster, ``/api/clusters/{key}/violations``) and the pages under ``/demonstration/…``
(the rounds, a round with its candidates, vote sheet and notice, a candidate with its
eligibility evidence, the recommendation form)."""

from __future__ import annotations

from typing import Any


def mount(app: Any) -> None:
    from console.demonstration import api, pages

    app.include_router(api.router)
    app.include_router(api.files_router)
    app.include_router(pages.router)
