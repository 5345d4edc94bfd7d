"""The console benchmark still runs (its figures are read by people, never asserted)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_listing_benchmark_runs_and_prints_a_figure_per_query():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "list_clusters.py"), "--clusters", "300",
                           "--repeat", "2"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "300 clusters" in done.stdout and "list by stage 'designated'" in done.stdout
    assert done.stdout.count("ms") >= 7


def test_the_journal_write_benchmark_runs_and_prints_a_figure_per_size():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "journal_write.py"), "--sizes", "100,400",
                           "--writes", "3", "--no-postgres"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("sqlite      after") == 2
