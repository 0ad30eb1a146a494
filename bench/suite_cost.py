"""What the pytest plugin costs a test suite: `pytest --tracefunc TARGET` next to plain `pytest`, on a suite shaped
like a real one (many short tests, most of them calling a function that holds generator expressions).

Every variant is a whole `python -m pytest` run in a subprocess. The runs are interleaved (one of each variant per
round, the order rotating from round to round), so that a machine's drift hits every variant alike; each ratio is
the median over the rounds of the ratio of two runs of the same round, as in bench/bench.py. Wall time and CPU time
(user + system of the child, which a busy machine disturbs less) are both given, and the time each variant adds per
test. The variants on the generated suite (`--tests` tests, nine in ten of them calling `tabular.render`):

- `plain`: `pytest` (the plugin is loaded by its entry point, and inert)
- `called`: `--tracefunc tabular:render`, the function most tests call (generator expressions, a nested function)
- `never called`: `--tracefunc tabular:unused`, a function of the same module that no test calls
- `called, no samples`: `called` with `--tracefunc-samples 0`: the counts alone, no value described (what the events,
  the frames' bookkeeping and the plugin cost without the samples)
- `called, -n 2` (with `--xdist`, when pytest-xdist is installed): `called` on two workers, next to `plain -n 2`

    python bench/suite_cost.py                       # 7 rounds of the generated suite of 400 tests
    python bench/suite_cost.py --rounds 3 --tests 100
    python bench/suite_cost.py --big 3000 --tests 200
    python bench/suite_cost.py --suite DIR -t tabulate:tabulate [--python PY] [--rounds N] [-- PYTEST ARGS]

With `--big N`, the suite is `--tests` short tests that each call a function of N statements that returns at once
(its other statements never run: what a test pays is the per-test set-up, which must not grow with the target's
size), `plain` next to `called` (`--tracefunc big:big`).

With `--suite`, the variants are `plain` and `called` (one `--tracefunc` per `-t`) on the tests that `pytest` finds
in DIR, run with interpreter PY (default: this one; tracefunc must be installed there). The goals are printed next to
the generated suite's ratios: at most 1.15x the wall time of plain for `called`, 1.05x for `never called`.
"""
import argparse, os, re, resource, shutil, statistics, subprocess, sys, tempfile, textwrap, time
from pathlib import Path

TARGET = '''
def render(rows, headers=None, sep=' | ', align=None):
    "`rows` (sequences of values) as text columns under `headers`, numbers right-aligned."
    if not rows and not headers:
        return ''
    cells = [[_fmt(v) for v in row] for row in rows]
    if headers:
        cells.insert(0, [str(h) for h in headers])
    ncols = max(len(r) for r in cells)
    cells = [r + [''] * (ncols - len(r)) for r in cells]
    widths = [max(len(r[i]) for r in cells) for i in range(ncols)]
    numeric = [all(_is_number(r[i]) for r in cells[1 if headers else 0:] if r[i]) for i in range(ncols)]
    if align is not None:
        numeric = [a == 'right' for a in align]
    def pad(text, i):
        return text.rjust(widths[i]) if numeric[i] else text.ljust(widths[i])
    lines = [sep.join(pad(c, i) for i, c in enumerate(r)).rstrip() for r in cells]
    if headers:
        lines.insert(1, sep.join('-' * w for w in widths))
    return '\\n'.join(lines)

def _fmt(v):
    if isinstance(v, float):
        return f'{v:.2f}'
    return '' if v is None else str(v)

def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False

def unused(rows):
    "Never called by the tests: what a run costs when the target holds generator expressions and is never called."
    total = sum(len(r) for r in rows if r)
    return total, any(v is None for r in rows for v in r)
'''

TESTS = '''
import pytest
from tabular import render

ROWS = [[i, f'item {i}', i * 1.5, None if i % 4 else 'x'] for i in range(6)]

@pytest.mark.parametrize('n', range({called}))
def test_render(n):
    rows = ROWS[:n % 6 + 1]
    out = render(rows, headers=['id', 'name', 'price', 'flag'])
    assert out.splitlines()[0].startswith('id')
    assert len(out.splitlines()) == len(rows) + 2
    if n % 3 == 0:
        assert render([[n, 'a'], [n + 1, 'bb']], sep=' ').splitlines()[1].endswith('bb')

@pytest.mark.parametrize('n', range({other}))
def test_other(n):
    words = [f'w{i}' for i in range(n % 7 + 3)]
    assert sorted(words, key=len)[0] == 'w0'
'''

def cpu():
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime

CACHE = tempfile.mkdtemp(prefix='suite-cost-pycache-')   # (byte code cached, as a user's runs have it, outside the repository)

def run_once(python, args, cwd):
    "Wall time and CPU time (user + system) of one `python -m pytest ARGS` run in `cwd`, and its output."
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_ADDOPTS', 'COV_CORE', 'COVERAGE', 'PYTHONDONTWRITEBYTECODE'))}
    env['PYTHONPYCACHEPREFIX'] = CACHE
    t, c = time.perf_counter(), cpu()
    r = subprocess.run([python, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', *args], cwd=cwd, capture_output=True,
                       text=True, env=env)
    dt, dc = time.perf_counter() - t, cpu() - c
    if r.returncode not in (0, 1): raise SystemExit(f'pytest {" ".join(args)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}')
    return dt, dc, r.stdout

def measure(python, variants, cwd, rounds):
    "`{variant: [(wall, cpu), ...]}` over `rounds` interleaved rounds, after one warm-up run of each (file caches, .pyc)."
    names = list(variants)
    outs = {n: run_once(python, variants[n], cwd)[2] for n in names}
    times = {n: [] for n in names}
    for i in range(rounds):
        for n in names[i % len(names):] + names[:i % len(names)]: times[n].append(run_once(python, variants[n], cwd)[:2])
    return times, outs

def ratio(times, a, b, k):
    "The median over rounds of `a`'s time over `b`'s (k: 0 wall, 1 CPU), each pair measured in the same round."
    return statistics.median(x[k] / y[k] for x, y in zip(times[a], times[b]))

def per_test_ms(times, a, b, k, ntests):
    return statistics.median(x[k] - y[k] for x, y in zip(times[a], times[b])) * 1000 / ntests

def summary_lines(out):
    "The tracefunc section of pytest's terminal summary."
    tail = out.split(' tracefunc =', 1)[1] if ' tracefunc =' in out else ''
    lines = tail.split('\n=')[0].splitlines()[1:]
    return [l for l in lines if l.strip() and not re.match(r'\d+ (passed|failed)', l)]

def report(times, outs, base_of, ntests, goals=None):
    "One row per variant: its medians, and its ratios to its base variant (`base_of[variant]`)."
    print(f'{"variant":<22}{"wall s":>8}{"CPU s":>8}{"wall/base":>11}{"CPU/base":>10}{"+ms/test wall":>15}{"+ms/test CPU":>14}   goal')
    misses = 0
    for n, ts in times.items():
        wall, cpu_ = statistics.median(t[0] for t in ts), statistics.median(t[1] for t in ts)
        b = base_of.get(n)
        row = f'{n:<22}{wall:>8.2f}{cpu_:>8.2f}'
        if b:
            rw, rc = ratio(times, n, b, 0), ratio(times, n, b, 1)
            row += f'{rw:>10.2f}x{rc:>9.2f}x{per_test_ms(times, n, b, 0, ntests):>15.2f}{per_test_ms(times, n, b, 1, ntests):>14.2f}'
            if goals and n in goals:
                ok = rw <= goals[n]
                misses += not ok
                row += f'   wall <= {goals[n]}x  {"PASS" if ok else "MISS  <<<"}'
        print(row, flush=True)
    for n, out in outs.items():
        if summary_lines(out): print(f'  {n}: ' + ' / '.join(summary_lines(out)))
    return misses

def generated(a):
    "The generated suite's rounds."
    called = a.tests * 9 // 10
    with tempfile.TemporaryDirectory() as d:
        Path(d, 'tabular.py').write_text(textwrap.dedent(TARGET).lstrip())
        Path(d, 'test_tabular.py').write_text(TESTS.replace('{called}', str(called)).replace('{other}', str(a.tests - called)).lstrip())
        variants = {'plain': [], 'called': ['--tracefunc', 'tabular:render'], 'never called': ['--tracefunc', 'tabular:unused'],
                    'called, no samples': ['--tracefunc', 'tabular:render', '--tracefunc-samples', '0']}
        base_of = {'called': 'plain', 'never called': 'plain', 'called, no samples': 'plain'}
        if a.xdist:
            variants.update({'plain -n 2': ['-n', '2'], 'called -n 2': ['-n', '2', '--tracefunc', 'tabular:render']})
            base_of['called -n 2'] = 'plain -n 2'
        times, outs = measure(a.python, variants, d, a.rounds)
    print(f'generated suite: {a.tests} tests ({called} call tabular.render, one in three of them twice), '
          f'{a.rounds} interleaved rounds; {py_version(a.python)}')
    misses = report(times, outs, base_of, a.tests, goals={'called': 1.15, 'never called': 1.05})
    print(f'\n{misses} goal(s) missed')

def big_source(n):
    "A function `big(x, full=False)` of `n` statements (a branch every third one) that returns at once unless `full`."
    body = [f'    x = x + {i % 7}' if i % 3 else f'    if x > {i}: x -= 1' for i in range(n)]
    return '\n'.join(['def big(x, full=False):', '    if not full:', '        return x', *body, '    return x']) + '\n'

BIG_TESTS = '''
import pytest
from big import big

@pytest.mark.parametrize('n', range({tests}))
def test_big(n):
    assert big(n) == n
'''

def big_suite(a):
    "The suite of short tests calling a big function that returns at once."
    with tempfile.TemporaryDirectory() as d:
        Path(d, 'big.py').write_text(big_source(a.big))
        Path(d, 'test_big.py').write_text(BIG_TESTS.replace('{tests}', str(a.tests)).lstrip())
        variants = {'plain': [], 'called': ['--tracefunc', 'big:big']}
        times, outs = measure(a.python, variants, d, a.rounds)
    print(f'big target: {a.tests} tests, each calling a function of {a.big} statements that returns at once; '
          f'{a.rounds} interleaved rounds; {py_version(a.python)}')
    report(times, outs, {'called': 'plain'}, a.tests)

def real_suite(a):
    "A real project's suite, with and without `--tracefunc` for each `-t`."
    called = [x for t in a.target for x in ('--tracefunc', t)]
    variants = {'plain': list(a.pytest_args), 'called': called + list(a.pytest_args)}
    times, outs = measure(a.python, variants, a.suite, a.rounds)
    ntests = count_tests(outs['plain'])
    print(f'{a.suite}: {ntests} tests, {a.rounds} interleaved rounds; {py_version(a.python)}; called = {" ".join(called)}')
    report(times, outs, {'called': 'plain'}, max(ntests, 1))

def count_tests(out):
    "How many tests pytest's last line says ran (passed, failed, skipped, errors...)."
    last = out.strip().splitlines()[-1] if out.strip() else ''
    return sum(int(n) for n in re.findall(r'(\d+) (?:passed|failed|skipped|xfailed|xpassed|error)', last))

def py_version(python):
    return 'Python ' + subprocess.run([python, '-c', 'import platform; print(platform.python_version())'],
                                      capture_output=True, text=True).stdout.strip()

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--rounds', type=int, default=7)
    p.add_argument('--tests', type=int, default=400, help='tests in the generated suite (default 400)')
    p.add_argument('--xdist', action='store_true', help='also -n 2 runs (needs pytest-xdist)')
    p.add_argument('--big', type=int, help='a suite whose tests call a function of BIG statements that returns at once')
    p.add_argument('--suite', help="a real project's directory: run its tests instead of the generated suite")
    p.add_argument('-t', '--target', action='append', default=[], help='with --suite: a --tracefunc TARGET (repeatable)')
    p.add_argument('--python', default=sys.executable, help='with --suite: the interpreter to run pytest with')
    p.add_argument('pytest_args', nargs='*', help='with --suite: more pytest arguments (after --)')
    a = p.parse_args(argv)
    if os.sep in a.python: a.python = os.path.abspath(a.python)   # (the runs start in the suite's directory)
    if a.suite:
        if not a.target: p.error('--suite needs at least one -t TARGET')
        real_suite(a)
    elif a.big: big_suite(a)
    else: generated(a)
    shutil.rmtree(CACHE, ignore_errors=True)
    return 0

if __name__ == '__main__': sys.exit(main())
