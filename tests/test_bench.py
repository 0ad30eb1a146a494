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

def test_suite_cost_runs_each_variant():
    "`bench/suite_cost.py` with one round of a small suite: a row per variant, the plugin's summary of each. No timing is asserted."
    p = subprocess.run([sys.executable, str(BENCH.parent/'suite_cost.py'), '--rounds', '1', '--tests', '20'], capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert re.search(r'^generated suite: 20 tests \(18 call tabular\.render', p.stdout, re.M), p.stdout
    assert re.search(r'^plain +\d+\.\d\d +\d+\.\d\d$', p.stdout, re.M), p.stdout
    for n in ('called', 'never called'):
        assert re.search(rf'^{n} +(\d+\.\d\d +){{2}}\d+\.\d\dx +\d+\.\d\dx +-?\d+\.\d\d +-?\d+\.\d\d +wall <= [\d.]+x  (PASS|MISS)', p.stdout, re.M), p.stdout
    assert '  called: tabular:render: called in 18 of 20 tests' in p.stdout and '  never called: tabular:unused: never called' in p.stdout
