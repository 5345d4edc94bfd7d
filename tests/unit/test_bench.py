"""The console benchmark still runs (its figures are read by people, never asserted)."""

import re
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


# programs 2–4 at a tiny size (issue 15 item 4): each prints its figure line and its phases


def _bench(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def test_the_selection_round_benchmark_runs_a_round_to_its_commendation_and_prints_its_figures():
    out = _bench("demonstration_round.py", "--clusters", "30", "--recommend", "12")
    assert "demonstration round, 30 clusters:" in out and "steps/s" in out and "peak RSS" in out
    assert "stage commended" in out and "first review" in out and "history: round" in out


def test_the_guangdong_round_benchmark_runs_a_round_of_the_36_zones_and_prints_its_figures():
    out = _bench("guangdong_round.py")
    assert "guangdong round, 36 zones × 1 year(s):" in out and "steps/s" in out
    assert "36/36 received" in out and "province receives" in out


def test_the_brand_batch_benchmark_runs_a_batch_and_prints_its_figures():
    out = _bench("brand_batch.py", "--pilots", "4")
    assert "brand batch, 4 pilots in 2 provinces:" in out and "steps/s" in out and "MIIT batch" in out
    assert "province_quota_exceeded 1" in out


def test_every_program_benchmark_documents_its_command():
    for script in ("demonstration_round.py", "guangdong_round.py", "brand_batch.py"):
        out = _bench(script, "--help")
        assert f"bench/{script}" in out and "usage:" in out


def test_the_verify_benchmark_reads_live_heads_from_the_visibility_listing():
    out = _bench("audit_verify.py", "--journals", "50", "--rows", "5", "--live", "12")
    assert "verify --all, chain only:" in out and "verify --all with Temporal heads:" in out
    listed, read = (int(x) for x in re.search(r"JournalHead\): (\d+), read from histories: (\d+)", out).groups())
    assert listed + read == 12 and listed > 0


def test_the_simulator_benchmark_times_temporal_alone_doing_the_work_its_histories_counted():
    out = _bench("simulate_scale.py", "--sizes", "1", "--bare")
    assert re.search(r"^\s+1\s+39\s+[\d.]+s .* ok$", out, re.M), out
    tasks = int(re.search(r"its histories: (\d+) workflow tasks", out).group(1))
    assert tasks > 39  # more workflow tasks than steps: clocks, the program workflow, continue-as-new
    assert re.search(r"^floor\s+39\s", out, re.M) and re.search(r"^ bare\s+39\s.*the same tasks", out, re.M)


def test_the_throughput_benchmark_matches_the_lifecycles_journal_writes_in_its_second_baseline():
    out = _bench("throughput.py", "--clusters", "2", "--rounds", "1", "--repeat", "1")
    assert re.search(r"^ratio lifecycle / bare: [\d.]+$", out, re.M), out
    writes = float(re.search(r"([\d.]+) journal writes \(([\d.]+) events each\)", out).group(1))
    events = float(re.search(r"journal writes \(([\d.]+) events each\)", out).group(1))
    assert writes == 1.0 and events >= 1  # every action journals once
    rows = int(re.search(r"ratio lifecycle / matched: [\d.]+ \(the matched baseline wrote (\d+) journal rows\)",
                         out).group(1))
    assert rows == round(2 * 2 * events)  # 2 clusters × 2 actions, each write appended (none a no-op retry)
