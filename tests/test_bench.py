"The benchmark script runs: `bench/bench.py --quick` exits 0 and prints a row per workload. No timing is asserted here."
import importlib.util, re, subprocess, sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent/'bench'/'bench.py'

def workload_names():
    spec = importlib.util.spec_from_file_location('tracefunc_bench', BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)   # importing defines the workloads; only `python bench/bench.py` runs them
    return [w.name for w in mod.WORKLOADS]

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
