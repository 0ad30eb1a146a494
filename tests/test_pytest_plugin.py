"pytest --tracefunc TARGET (SPEC 6.2): report sections, the JSON directory, the summary, an inert plugin, and coverage alongside."
import json, os, re, subprocess, sys, textwrap
from pathlib import Path

import pytest
from conftest import message

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

MORE_TESTS = '''
import pytest
from calc import mean, Stats

@pytest.mark.parametrize('xs', [[1], [1, 3], [2, 4, 6], [5, 5]])
def test_means(xs):
    assert mean(xs) == xs[len(xs) // 2]

def test_spread():
    assert Stats().spread([mean([1, 3]), 7]) == 5
'''

def test_xdist_gives_the_same_sections_summary_and_json_files(proj):
    "SPEC 6.2: with pytest-xdist (-n 2) the sections, the summary and the --tracefunc-json files are those of a run without it."
    pytest.importorskip('xdist')
    (proj/'test_more.py').write_text(MORE_TESTS)
    args = ['-rA', 'test_calc.py', 'test_more.py', '-k', 'not lazy', '--tracefunc', 'calc:mean', '--tracefunc', 'lazy_mod:late',
            '--tracefunc', 'calc:nope', '--tracefunc', 'never_imported:f', '--tracefunc', 'calc:Stats']
    try: one, two = pytest_run(proj, *args, '--tracefunc-json', 'one'), pytest_run(proj, '-n', '2', *args, '--tracefunc-json', 'two')
    finally: (proj/'test_more.py').unlink()
    assert one.returncode == two.returncode == 1, two.stdout + two.stderr
    assert '[gw0]' in two.stdout and '[gw1]' in two.stdout   # (both workers ran tests that called the target)
    s = sections(one.stdout)
    assert len(s) == 7 and sections(two.stdout) == s
    assert s[('test_means[xs3]', 'tracefunc calc:mean')].splitlines()[2] == '── call 1 of 1: test_means (test_more.py:7) → mean (calc.py:1)'
    assert summary(one.stdout) == ['calc:mean: called in 7 of 8 tests', 'lazy_mod:late: never found: module lazy_mod was never imported',
        "calc:nope: not found: calc has no function 'nope'", 'never_imported:f: never found: module never_imported was never imported',
        'calc:Stats: cannot be traced: Stats is a class, not a function: trace one of its methods, as --tracefunc calc:Stats.__init__',
        f'traces of 7 tests written to {proj/"one"}']
    assert summary(two.stdout) == summary(one.stdout)[:-1] + [f'traces of 7 tests written to {proj/"two"}']
    files = sorted(os.listdir(proj/'one'))
    assert len(files) == 7 and sorted(os.listdir(proj/'two')) == files
    assert all(json.loads((proj/'one'/f).read_text()) == json.loads((proj/'two'/f).read_text()) for f in files)

@pytest.mark.parametrize('kind', ['file', 'under a file', 'unwritable'])
def test_a_bad_json_directory_is_one_line_before_any_test(proj, tmp_path, kind):
    "SPEC 6.2: a --tracefunc-json path that is a file, or a directory that cannot be made or written to: a usage error (exit 4)."
    (tmp_path/'afile').write_text('x')
    path, msg = {'file': (tmp_path/'afile', '{} is a file, not a directory'),
                 'under a file': (tmp_path/'afile'/'sub', 'cannot make directory {}: Not a directory'),
                 'unwritable': (tmp_path/'ro', 'cannot write to directory {}')}[kind]
    if kind == 'unwritable':
        path.mkdir(); path.chmod(0o555)
        if os.access(path, os.W_OK): path = Path('/proc/self')   # (root writes anywhere, but not there)
        if os.access(path, os.W_OK) or not path.is_dir(): pytest.skip('no directory here that this user cannot write to')
    r = pytest_run(proj, '-q', '--tracefunc', 'calc:mean', '--tracefunc-json', str(path))
    assert r.returncode == 4 and 'passed' not in r.stdout and 'INTERNALERROR' not in r.stdout + r.stderr, r.stdout + r.stderr
    assert r.stderr.strip().splitlines() == ['ERROR: --tracefunc-json: ' + msg.format(path)]

RAISES = '''
import pytest
from calc import mean

def test_caught():
    assert mean([4]) == 4
    with pytest.raises(ZeroDivisionError):
        mean([])

def test_uncaught():
    mean([])
'''

def test_a_call_that_raised_says_so_in_its_section_and_json(proj):
    "SPEC 6.2: a test's section says which call raised and what; the JSON call has `raised`."
    (proj/'test_raises.py').write_text(RAISES)
    try: r = pytest_run(proj, '-rA', 'test_raises.py', '--tracefunc', 'calc:mean', '--tracefunc-json', 'raises')
    finally: (proj/'test_raises.py').unlink()
    assert r.returncode == 1
    zero = message(lambda: 1 / 0)
    s = sections(r.stdout)
    caught = s[('test_caught', 'tracefunc calc:mean')].split('\n\n')
    assert caught[1].startswith('── call 1 of 2: test_caught (test_raises.py:6) → mean (calc.py:1)') and 'Raised' not in caught[1]
    assert caught[2].startswith('── call 2 of 2: test_caught (test_raises.py:8) → mean (calc.py:1)')
    assert caught[3:] == [f'Raised ZeroDivisionError: {zero}']
    assert s[('test_uncaught', 'tracefunc calc:mean')].endswith(
        f'1×  return total / len(xs)  # total = 0; xs = []\n\nRaised ZeroDivisionError: {zero}')
    d = json.loads((proj/'raises'/'test_raises.py_test_caught.json').read_text())
    assert [c['raised'] for c in d[0]['calls']] == [None, {'type': 'ZeroDivisionError', 'message': zero}]

UNITTESTS = '''
import functools, unittest
from unittest import mock
from calc import mean

def logged(f):
    @functools.wraps(f)
    def wrapper(*a, **k):
        return f(*a, **k)
    return wrapper

class TestMean(unittest.TestCase):
    def setUp(self):
        self.base = mean([2, 4])
    def test_method(self):
        self.assertEqual(mean([1, 3]), 2)

@mock.patch('os.getcwd', return_value='/x')
def test_patched(getcwd):
    assert mean([5]) == 5

@logged
def test_wrapped():
    assert mean([6]) == 6
'''

def test_stacks_start_at_the_test_function(proj):
    "SPEC 6.2: no frame of unittest's machinery, nor of a decorator's wrapper, comes before the test (or its setUp)."
    (proj/'test_unit.py').write_text(UNITTESTS.lstrip('\n'))
    try: r = pytest_run(proj, '-q', 'test_unit.py', '--tracefunc', 'calc:mean', '--tracefunc-json', 'unit')
    finally: (proj/'test_unit.py').unlink()
    assert r.returncode == 0, r.stdout + r.stderr
    stacks = {f: [c['stack'] for c in json.loads((proj/'unit'/f).read_text())[0]['calls']] for f in os.listdir(proj/'unit')}
    assert stacks == {
        'test_unit.py_TestMean_test_method.json': [['TestMean.setUp (test_unit.py:13)', 'mean (calc.py:1)'],
                                                  ['TestMean.test_method (test_unit.py:15)', 'mean (calc.py:1)']],
        'test_unit.py_test_patched.json': [['test_patched (test_unit.py:19)', 'mean (calc.py:1)']],
        'test_unit.py_test_wrapped.json': [['test_wrapped (test_unit.py:23)', 'mean (calc.py:1)']]}

GENERATORS = '''
def squares(n):
    return (i * i for i in range(n))
'''

GEN_TESTS = '''
import gc
import gens

OLD = gens.squares(5)
next(OLD)   # started and suspended before any test: resumed in a later one

def test_{k}():
    new = gens.squares(3)
    assert sum(new) == 5

def test_old_resumed():
    new = gens.squares(3)
    assert list(zip(new, OLD)) == [(0, 1), (1, 4), (4, 9)]
'''

WALKS = '''
import gc, os
walks = []
_referrers = gc.get_referrers
def counting(*objs):
    walks.append(len(objs))
    return _referrers(*objs)
gc.get_referrers = counting
def pytest_unconfigure(config):
    with open('walks.txt', 'w') as f: f.write(str(len(walks)))
'''

def test_no_heap_walk_per_test_and_generators_suspended_before_a_test(tmp_path):
    "SPEC 6.2: the per-test cost does not grow with the heap: at most one heap walk in a run (the first session's), whatever"
    " the target holds; a generator of the target started before a test and resumed in it is still no part of its calls."
    (tmp_path/'gens.py').write_text(GENERATORS.lstrip('\n'))
    tests = GEN_TESTS.replace('def test_{k}():', '\n'.join(f'def test_{k}():\n    new = gens.squares(3)\n    assert sum(new) == 5\n' for k in range(20)) + 'def _unused():')
    (tmp_path/'test_gens.py').write_text(tests)
    line = tests.splitlines().index('    new = gens.squares(3)', tests.index('def test_old_resumed') and tests.splitlines().index('def test_old_resumed():')) + 1
    (tmp_path/'conftest.py').write_text(WALKS)
    r = pytest_run(tmp_path, '-q', '-rA', '-k', 'test_0 or test_1 or test_old_resumed or test_19', '--tracefunc', 'gens:squares')
    assert r.returncode == 0, r.stdout + r.stderr
    assert int((tmp_path/'walks.txt').read_text()) <= 1
    s = sections(r.stdout)
    assert s[('test_old_resumed', 'tracefunc gens:squares')] == textwrap.dedent('''\
        squares (gens.py:1): 1 call

        ── call 1 of 1: test_old_resumed (test_gens.py:{line}) → squares (gens.py:1)
        1×  return (i * i for i in range(n))
        3×      ↳ (i * i for i in range(n))   # i = 0 → 1 → 2; n = 3''').format(line=line)
    assert summary(r.stdout) == ['gens:squares: called in 13 of 13 tests']   # (test_0, test_1, test_10 to test_19, test_old_resumed)
