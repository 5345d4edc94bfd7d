"""Records ``designation-ceramics.01.json`` here: a site report whose 附件一 is entered as values
and checked against a 达标值 table (issue 11) — the path no example scenario takes (they type
counts), so its replay is guarded too. Run from the repository root:
``.venv/bin/python tests/histories/entered-values/make.py``."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from audit.history import run_chain  # noqa: E402
from service.cnlic.simulate import Simulation  # noqa: E402
from tests.support import LEAD_EXPERT, SECRETARIAT, site_report, site_visit  # noqa: E402
from tests.workflows.helpers import d, ok, register  # noqa: E402
from tests.workflows.test_thresholds import entered, file  # noqa: E402


async def main() -> None:
    async with Simulation() as sim:
        start = d(3, 2)
        file(sim, start - timedelta(days=60), 10)
        await register(sim, stage="applied", on=start)
        await ok(sim, "ceramics", "record_opinion", {"text": "同意"},
                 {"role": "association", "name": "中国陶瓷工业协会"}, start)
        await ok(sim, "ceramics", "accept_application", {}, SECRETARIAT, start)
        await ok(sim, "ceramics", "approve_site_visit", site_visit(start + timedelta(days=10)),
                 {"role": "leader", "name": "张会长"}, start + timedelta(days=2))
        await ok(sim, "ceramics", "record_site_report", site_report(score_sheet=entered(12)), LEAD_EXPERT,
                 start + timedelta(days=11))
        await ok(sim, "ceramics", "record_formal_opinion", {"recommend": True},
                 {"role": "association", "name": "中国陶瓷工业协会"}, start + timedelta(days=15))
        for n, history in enumerate(await run_chain(sim.env.client, "designation-ceramics"), 1):
            target = Path(__file__).parent / f"designation-ceramics.{n:02d}.json"
            target.write_text(json.dumps(history.to_json_dict(), ensure_ascii=False, indent=1) + "\n")
            print("wrote", target)


if __name__ == "__main__":
    asyncio.run(main())
