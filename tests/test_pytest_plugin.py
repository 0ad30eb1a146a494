"pytest --tracefunc TARGET (SPEC 6.2): report sections, the JSON directory, the summary, an inert plugin, and coverage alongside."
import json, os, re, subprocess, sys, textwrap
from pathlib import Path

import pytest

LIB = '''
def mean(xs):
    total = 0
    for x in xs: total += x
    return total / len(xs)

class Stats:
    def spread(self, xs):
        return max(xs) - min(xs)
'''
LAZY = '''
def late(x):
    return x + 1
AT_IMPORT = late(0)
'''
TESTS = '''
import sys
import pytest
from calc import mean, Stats

@pytest.fixture
def data():
    mean([1, 1])
    yield [1, 2, 3]
    mean([4, 6])

def test_mean_passes(data):
    assert mean(data) == 2

def test_mean_fails():
    assert mean([1, 2]) == 2

def test_no_call():
    assert Stats().spread([1, 5]) == 4

def test_lazy():
    assert 'lazy_mod' not in sys.modules
    import lazy_mod
    assert lazy_mod.late(1) == 2

def test_lazy_again():
    import lazy_mod
    assert lazy_mod.late(5) == 6
'''

@pytest.fixture(scope='module')
def proj(tmp_path_factory):
    d = tmp_path_factory.mktemp('proj')
    for name, src in (('calc.py', LIB), ('lazy_mod.py', LAZY), ('test_calc.py', TESTS)): (d/name).write_text(src.lstrip('\n'))
    return d

def pytest_run(d, *args, env=None, cov=False):
    "Run pytest (under `coverage run` if `cov`) in directory `d`."
    cmd = [sys.executable, '-m', 'coverage', 'run', '-m', 'pytest'] if cov else [sys.executable, '-m', 'pytest']
    e = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST_ADDOPTS', 'COV_CORE', 'COVERAGE'))}
    return subprocess.run(cmd + ['-p', 'no:cacheprovider', *args], cwd=d, capture_output=True, text=True, timeout=120, env={**e, **(env or {})})

def sections(out):
    "`{(header of the failure/pass block, section name): content}` of pytest's output."
    res, block = {}, None
    for part in re.split(r'^(_{3,} .* _{3,}|-{3,} .* -{3,})$', out, flags=re.M):
        if m := re.fullmatch(r'_{3,} (.*) _{3,}', part): block = m[1]
        elif m := re.fullmatch(r'-{3,} (tracefunc .*) -{3,}', part): res[(block, m[1])] = None
        elif res and list(res.values())[-1] is None: res[list(res)[-1]] = part.strip('\n').split('\n=')[0].rstrip('\n')
    return res

def summary(out): return out.split(' tracefunc =')[1].split('\n', 1)[1].split('\n=')[0].splitlines()

MEAN_FAILS = '''mean (calc.py:1): 1 call

── call 1 of 1: test_mean_fails (test_calc.py:15) → mean (calc.py:1)
1×  total = 0               # total = 0
3×  for x in xs:            # x = 1 → 2; xs = [1, 2]
2×      total += x          # total = 1 → 3; x = 1 → 2
1×  return total / len(xs)  # total = 3; xs = [1, 2]'''

def test_sections_summary_and_json(proj):
    plain = pytest_run(proj, '-q')
    r = pytest_run(proj, '-q', '--tracefunc', 'calc:mean', '--tracefunc', 'lazy_mod:late', '--tracefunc', 'calc:nope',
                   '--tracefunc', 'never_imported:f', '--tracefunc-json', 'traces')
    assert r.returncode == plain.returncode == 1
    assert r.stdout.split('short test summary info')[1].splitlines()[1] == plain.stdout.split('short test summary info')[1].splitlines()[1]
    assert 'assert 1.5 == 2\n' in r.stdout and ' +  where 1.5 = mean([1, 2])' in r.stdout   # assertion rewriting
    assert sections(r.stdout) == {('test_mean_fails', 'tracefunc calc:mean'): MEAN_FAILS}   # failures only without -rA
    assert summary(r.stdout) == ['calc:mean: called in 2 of 5 tests', 'lazy_mod:late: called in 2 of 5 tests',
                                 "calc:nope: not found: calc has no function 'nope'",
                                 'never_imported:f: never found: module never_imported was never imported',
                                 f'traces of 4 tests written to {proj/"traces"}']
    files = sorted(os.listdir(proj/'traces'))
    assert files == ['test_calc.py_test_lazy.json', 'test_calc.py_test_lazy_again.json', 'test_calc.py_test_mean_fails.json', 'test_calc.py_test_mean_passes.json']
    d = json.loads((proj/'traces'/'test_calc.py_test_mean_passes.json').read_text())
    assert [(x['target'], x['function'], len(x['calls']), x.get('error')) for x in d] == [
        ('calc:mean', 'mean', 3, None), ('lazy_mod:late', None, 0, 'never found: module lazy_mod was never imported'),
        ('calc:nope', None, 0, "not found: calc has no function 'nope'"), ('never_imported:f', None, 0, 'never found: module never_imported was never imported')]
    assert [c['stack'] for c in d[0]['calls']] == [['data (test_calc.py:7)', 'mean (calc.py:1)'], ['test_mean_passes (test_calc.py:12)', 'mean (calc.py:1)'],
                                                   ['data (test_calc.py:9)', 'mean (calc.py:1)']]   # setup, call, teardown
    assert [c['lines'][-1]['names']['total'] for c in d[0]['calls']] == [[['int', '2']], [['int', '6']], [['int', '10']]]
    lazy = json.loads((proj/'traces'/'test_calc.py_test_lazy.json').read_text())[1]
    assert [c['stack'] for c in lazy['calls']] == [['test_lazy (test_calc.py:22)', '<module> (lazy_mod.py:3)', 'late (lazy_mod.py:1)'],
                                                   ['test_lazy (test_calc.py:23)', 'late (lazy_mod.py:1)']]
    lazy = json.loads((proj/'traces'/'test_calc.py_test_lazy_again.json').read_text())[1]
    assert [c['lines'][0]['names'] for c in lazy['calls']] == [{'x': [['int', '5']]}]

def test_passing_tests_show_their_sections_with_rA(proj):
    r = pytest_run(proj, '-q', '-rA', '-k', 'mean_passes or no_call or lazy_again', '--tracefunc', 'calc:mean',
                   '--tracefunc', 'calc.py:Stats.spread', '--tracefunc-calls', '2', '--tracefunc-samples', '1')
    assert r.returncode == 0
    s = sections(r.stdout)
    assert list(s) == [('test_mean_passes', 'tracefunc calc:mean'), ('test_no_call', 'tracefunc calc.py:Stats.spread')]
    assert s[('test_mean_passes', 'tracefunc calc:mean')].startswith('mean (calc.py:1): 2 calls\n\n── call 1 of 2: data (test_calc.py:7) → mean (calc.py:1)\n')
    assert '\n4×  for x in xs:            # x = 1; xs = [1, 2, 3]  (first 1 of 4 hits)\n' in s[('test_mean_passes', 'tracefunc calc:mean')]
    assert s[('test_no_call', 'tracefunc calc.py:Stats.spread')] == textwrap.dedent('''\
        Stats.spread (calc.py:7): 1 call

        ── call 1 of 1: test_no_call (test_calc.py:18) → Stats.spread (calc.py:7)
        1×  return max(xs) - min(xs)  # xs = [1, 5]''')
    assert summary(r.stdout) == ['calc:mean: called in 1 of 3 tests', 'calc.py:Stats.spread: called in 1 of 3 tests']

def test_stop_at_first_failure(proj):
    r = pytest_run(proj, '-x', '--tracefunc', 'calc:mean')
    assert r.returncode == 1 and '1 failed, 1 passed' in r.stdout and 'stopping after 1 failures' in r.stdout
    assert sections(r.stdout) == {('test_mean_fails', 'tracefunc calc:mean'): MEAN_FAILS}
    assert summary(r.stdout) == ['calc:mean: called in 2 of 2 tests']

def test_inert_without_the_option(proj):
    (proj/'test_inert.py').write_text(textwrap.dedent('''
        import sys
        def test_nothing_taken():
            assert 'tracefunc.pytest_plugin' in sys.modules   # loaded by its entry point
            assert not [m for m in sys.modules if m.startswith('tracefunc.') and m != 'tracefunc.pytest_plugin']
            assert 'tracefunc' not in [sys.monitoring.get_tool(i) for i in range(6)]
        '''))
    try:
        r = pytest_run(proj, '-q', 'test_inert.py')
        assert r.returncode == 0 and 'tracefunc' not in r.stdout + r.stderr
        r = pytest_run(proj, '-q', '-p', 'no:tracefunc', 'test_inert.py')
        assert r.returncode == 1 and "assert 'tracefunc.pytest_plugin' in" in r.stdout
    finally: (proj/'test_inert.py').unlink()

def test_the_plugin_imports_nothing_heavy():
    r = subprocess.run([sys.executable, '-c', 'import sys, pytest; before = set(sys.modules); import tracefunc.pytest_plugin; '
                        'print(sorted(set(sys.modules) - before))'], capture_output=True, text=True, timeout=60)
    assert r.stdout == "['tracefunc', 'tracefunc.pytest_plugin']\n"

@pytest.mark.parametrize('args,msg', [
    (['--tracefunc', 'calc'], "--tracefunc: target 'calc' needs its module or file: use package.module:Qualname or path/to/file.py:Qualname"),
    (['--tracefunc', 'calc:'], "--tracefunc: malformed target 'calc:'"),
    (['--tracefunc', 'calc:mean', '--tracefunc-calls', '0'], '--tracefunc-calls needs a number >= 1'),
    ([a for i in range(7) for a in ('--tracefunc', f'calc:f{i}')], '7 targets need 7 sys.monitoring tool ids (one each), but only 6 are free'),
])
def test_mistakes_stop_pytest_before_any_test(proj, args, msg):
    r = pytest_run(proj, '-q', *args)
    assert r.returncode == 4 and msg in r.stderr and 'passed' not in r.stdout

def test_a_missing_file_target_is_said_in_the_summary_and_ids_alike_once_made_file_safe_get_their_own_files(proj):
    "SPEC 6.2: a target that cannot be resolved is said in the summary (not a failure); one JSON file per test."
    (proj/'test_ids.py').write_text(textwrap.dedent('''
        import pytest
        from calc import mean
        @pytest.mark.parametrize('a', ['x/y', 'x_y', 'x y'])
        def test_p(a):
            assert mean([len(a)]) == 3
        '''))
    try:
        r = pytest_run(proj, '-q', 'test_ids.py', '--tracefunc', 'calc:mean', '--tracefunc', 'nosuch.py:f', '--tracefunc-json', 'ids')
        assert r.returncode == 0 and '3 passed' in r.stdout, r.stdout + r.stderr
        assert summary(r.stdout)[:3] == ['calc:mean: called in 3 of 3 tests', 'nosuch.py:f: never found: no such file: nosuch.py',
                                     f'traces of 3 tests written to {proj/"ids"}']
        files = sorted(os.listdir(proj/'ids'))
        assert len(files) == 3 and 'test_ids.py_test_p_x_y.json' in files, files   # (the first; the others add a hash of their id)
        assert sorted(json.loads((proj/'ids'/f).read_text())[0]['calls'][0]['lines'][-1]['names']['xs'][0][1] for f in files) == ['[3]'] * 3
    finally: (proj/'test_ids.py').unlink()

COV_TEST = '''
import sys
from calc import mean
def test_with_coverage():
    assert sys.monitoring.get_tool(1) == 'coverage.py'   # coverage's sys.monitoring core is on
    assert 'tracefunc' in [sys.monitoring.get_tool(i) for i in range(6)]
    assert mean([1, 2]) == 1.5
'''

@pytest.fixture(scope='module')
def under_sysmon_coverage(proj):
    "`coverage run -m pytest --tracefunc calc:mean` with coverage's sys.monitoring core, and what coverage measured of calc.py."
    (proj/'test_cov.py').write_text(COV_TEST.lstrip('\n'))
    try:
        r = pytest_run(proj, '-rA', 'test_cov.py', '--tracefunc', 'calc:mean', env={'COVERAGE_CORE': 'sysmon'}, cov=True)
        c = subprocess.run([sys.executable, '-m', 'coverage', 'json', '-o', '-', '--include', 'calc.py'], cwd=proj, capture_output=True, text=True, timeout=60)
    finally: (proj/'test_cov.py').unlink()
    return r, json.loads(c.stdout)['files']['calc.py']

def test_coverage_sysmon_core_measures_the_traced_function(under_sysmon_coverage):
    r, lines = under_sysmon_coverage
    assert r.returncode == 0, r.stdout + r.stderr
    assert (lines['executed_lines'], lines['missing_lines']) == ([1, 2, 3, 4, 6, 7], [8])
    (key, section), = sections(r.stdout).items()
    assert key == ('test_with_coverage', 'tracefunc calc:mean')
    assert section.splitlines()[:3] == ['mean (calc.py:1): 1 call', '', '── call 1 of 1: test_with_coverage (test_cov.py:6) → mean (calc.py:1)']
    assert section.endswith('3×  for x in xs:            # x = 1 → 2; xs = [1, 2]\n2×      total += x          # total = 1 → 3; x = 1 → 2\n'
                            '1×  return total / len(xs)  # total = 3; xs = [1, 2]')

@pytest.mark.xfail(sys.version_info < (3, 14), strict=True, reason="CPython 3.12/3.13: when code gets re-instrumented during a "
                   "PY_START callback (coverage's sysmon core arms a function on its first call) while another tool has LINE "
                   "events on it, the INSTRUCTION events at that frame's first line starts do not fire: the first line of the "
                   "function's first call is lost (3.14 fixed it)")
def test_coverage_sysmon_core_trace_is_complete(under_sysmon_coverage):
    r, _ = under_sysmon_coverage
    assert list(sections(r.stdout).values()) == [MEAN_FAILS.replace('test_mean_fails (test_calc.py:15)', 'test_with_coverage (test_cov.py:6)')]

def test_pytest_cov(proj):
    r = pytest_run(proj, '-q', '--cov=calc', '--cov-report=json:cov.json', '--tracefunc', 'calc:mean', '-k', 'mean')
    assert r.returncode == 1 and sections(r.stdout) == {('test_mean_fails', 'tracefunc calc:mean'): MEAN_FAILS}
    lines = json.loads((proj/'cov.json').read_text())['files']['calc.py']
    assert (lines['executed_lines'], lines['missing_lines']) == ([1, 2, 3, 4, 6, 7], [8])
