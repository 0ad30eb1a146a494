"The benchmark script runs: `bench/bench.py --quick` exits 0 and prints a row per workload. No timing is asserted here."
import re, subprocess, sys
from conftest import BENCH, bench_module

def workload_names(): return [w.name for w in bench_module().WORKLOADS]

def test_bench_quick_runs_every_workload():
    p = subprocess.run([sys.executable, str(BENCH), '--quick'], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    names = workload_names()
    assert len(names) == 12
    for n in names:
        assert re.search(rf'^{re.escape(n)}\s+\d+\.\d+\s+\d+\.\d+\s+\d+\.\d+\s+\d+\.\d+\s+traced/\w+ <= [\d.]+\s+(PASS|MISS)', p.stdout, re.M), \
            f'no timing row for {n!r} in:\n{p.stdout}'
        assert re.search(rf'^{re.escape(n)}(\s+-?[\d,]+){{5}}$', p.stdout, re.M), f'no memory row for {n!r} in:\n{p.stdout}'
    assert re.search(r'^tight loop peak memory traced: .* ratio \d+\.\d+ .*(PASS|MISS)', p.stdout, re.M), p.stdout
