"""APScheduler in the console process, for housekeeping only (issue 4 §5): the daily deadline
digest, the read-model reconciliation, email delivery and the nightly sweep of unreferenced
attachment blobs. Business deadlines never live here — they are
Temporal timers in the workflows, and survive this process.

CONSOLE_DIGEST_AT       HH:MM Beijing time of the daily digest (default 08:00)
CONSOLE_RECONCILE_EVERY seconds between reconciliations (default 600)
SMTP_*                  email delivery of the outbox, off unless SMTP_HOST is set (``service.notify``)
"""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from domain.calendar import SHANGHAI
from service.cnlic.console import ConsoleService
from service.cnlic.housekeeping import deadline_digest, reconcile
from service.notify import SmtpProblem, SmtpSettings, deliver_email

log = logging.getLogger("designation.housekeeping")


class ScheduleProblem(Exception):
    pass


def _settings() -> tuple[int, int, int]:
    at = os.environ.get("CONSOLE_DIGEST_AT", "08:00")
    try:
        hour, minute = (int(p) for p in at.split(":"))
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError
    except ValueError:
        raise ScheduleProblem(f"CONSOLE_DIGEST_AT 应为 HH:MM，收到“{at}”") from None
    every = os.environ.get("CONSOLE_RECONCILE_EVERY", "600")
    try:
        seconds = int(every)
        if seconds < 1:
            raise ValueError
    except ValueError:
        raise ScheduleProblem(f"CONSOLE_RECONCILE_EVERY 应为正整数秒，收到“{every}”") from None
    return hour, minute, seconds


def start_housekeeping(console: ConsoleService) -> AsyncIOScheduler:
    """Start the jobs on the running event loop. Both run once soon after start-up too: a
    console started after the digest hour still sends today's digest (once per user per
    day, whatever the restarts)."""
    hour, minute, every = _settings()
    try:
        smtp = SmtpSettings.from_env()
    except SmtpProblem as e:
        raise ScheduleProblem(str(e)) from None
    scheduler = AsyncIOScheduler(timezone=SHANGHAI)
    soon = datetime.now(SHANGHAI) + timedelta(seconds=3)

    async def digest() -> None:
        try:
            await deadline_digest(console)
        except asyncio.CancelledError:  # cut short by a stop (say, while Temporal is down): not a failure
            log.info("deadline digest interrupted by shutdown")
        except Exception:
            log.exception("deadline digest failed")

    async def reconciliation() -> None:
        try:
            await reconcile(console)
        except asyncio.CancelledError:  # cut short by a stop (say, while Temporal is down): not a failure
            log.info("reconciliation interrupted by shutdown")
        except Exception:
            log.exception("reconciliation failed")

    scheduler.add_job(digest, CronTrigger(hour=hour, minute=minute, timezone=SHANGHAI), id="deadline_digest",
                      coalesce=True, max_instances=1, misfire_grace_time=3600, next_run_time=soon)
    scheduler.add_job(reconciliation, IntervalTrigger(seconds=every, timezone=SHANGHAI), id="reconcile",
                      coalesce=True, max_instances=1, next_run_time=soon + timedelta(seconds=2))
    async def blobs() -> None:
        from service.cnlic.attachments import sweep
        from store.blobs import blob_store

        try:
            removed = await asyncio.to_thread(sweep, console.engine, blob_store(console.engine))
            if removed:
                log.info("orphan blob sweep removed %d unreferenced blob(s)", len(removed))
        except asyncio.CancelledError:
            log.info("blob sweep interrupted by shutdown")
        except Exception:
            log.exception("blob sweep failed")

    # a refused upload's blob is referenced by nothing: swept daily, past its grace period
    scheduler.add_job(blobs, CronTrigger(hour=3, minute=30, timezone=SHANGHAI), id="blob_sweep",
                      coalesce=True, max_instances=1, misfire_grace_time=3600)
    if smtp is not None:
        async def email() -> None:
            try:
                await deliver_email(console.engine, smtp)
            except asyncio.CancelledError:
                log.info("email delivery interrupted by shutdown")
            except Exception:
                log.exception("email delivery failed")

        scheduler.add_job(email, IntervalTrigger(seconds=smtp.every, timezone=SHANGHAI), id="email_delivery",
                          coalesce=True, max_instances=1, next_run_time=soon + timedelta(seconds=4))
        log.info("email delivery every %d s via %s", smtp.every, smtp.describe())
    scheduler.start()
    return scheduler
