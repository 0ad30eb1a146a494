"""Transparency on real code nobody here wrote (issue 9): CPython's own test modules run with a stdlib function as the
tracing target, each in a subprocess (tests/stdlib_suite_run.py): untraced, traced with `max_calls` 1 and 3, traced
with every call recorded (another tool counting LINE events on the target's code at the same time), and untraced
again. Checked:

- `test_suite_outcomes_same`: every test (and subtest) has the outcome it has untraced (ok, fail, error, skip, expected
  failure, unexpected success), for each cap. If the two untraced runs disagree (state left by a first run), the test
  says so and fails, as the comparison would mean nothing; they agree in every suite below;
- `test_suite_sample_invariant`: every name's sample list has min(hits, 10) entries, in every traced run;
- `test_suite_hits_match_line_events`: with every call recorded, the hits summed over calls of each statement that a
  physical line holds alone equal the LINE events at that line (corrected and, on 3.12, restricted as in
  tests/test_transparency.py); and the target was called at all.

By default 7 suites and 9 targets (below), and from 3.14 on annotationlib's (traced with reprs='builtin': see
`SAFE_REPRS`). With `--long` (or `TRACEFUNC_LONG=1`) 12 suites and 23 targets (and annotationlib's).
"""
import functools, json, os, subprocess, sys, tempfile
import pytest

LONG = os.environ.get('TRACEFUNC_LONG') == '1'   # (pytest --long sets it: tests/conftest.py)
HERE = os.path.dirname(os.path.abspath(__file__))

DEFAULT = [
    ('test.test_textwrap', 'textwrap:wrap'),
    ('test.test_shlex', 'shlex:split'),
    ('test.test_fnmatch', 'fnmatch:fnmatch'),
    ('test.test_getopt', 'getopt:getopt'),
    ('test.test_string', 'string:Formatter.vformat'),
    ('test.test_fractions', 'fractions:Fraction.__new__'),
    ('test.test_optparse', 'optparse:Option.__init__'),
    ('test.test_textwrap', 'textwrap:TextWrapper._wrap_chunks'),
    ('test.test_shlex', 'shlex:shlex.read_token'),
]
MORE = [
    ('test.test_textwrap', 'textwrap:dedent'),
    ('test.test_fnmatch', 'fnmatch:translate'),
    ('test.test_getopt', 'getopt:do_longs'),
    ('test.test_string', 'string:Formatter._vformat'),
    ('test.test_fractions', 'fractions:Fraction._richcmp'),
    ('test.test_base64', 'base64:b64decode'),
    ('test.test_graphlib', 'graphlib:TopologicalSorter.add'),
    ('test.test_urlparse', 'urllib.parse:urlparse'),
    ('test.test_urlparse', 'urllib.parse:urlsplit'),
    ('test.test_ipaddress', 'ipaddress:IPv4Address.__init__'),
    ('test.test_ipaddress', 'ipaddress:ip_network'),
    ('test.test_configparser', 'configparser:RawConfigParser.get'),
    ('test.test_configparser', 'configparser:RawConfigParser._read'),
    ('test.test_optparse', 'optparse:OptionParser._process_args'),
]
# annotationlib (3.14 on): `ForwardRef.__repr__` fills a cache, so describing a ForwardRef with its own repr changes what
# a later evaluation sees (test_evaluate_string_format_extra_names fails with every call recorded). A `__repr__` with a
# side effect is the program's to call, not the tracer's: this target is traced with reprs='builtin', which calls none
SAFE_REPRS = [('test.test_annotationlib', 'annotationlib:get_annotations')] if sys.version_info >= (3, 14) else []
CASES = DEFAULT + SAFE_REPRS + (MORE if LONG else [])

@functools.lru_cache(maxsize=None)
def suite_run(suite, target):
    "Run the suite in a subprocess (see tests/stdlib_suite_run.py); its JSON result."
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, 'out.json')
        reprs = ['--reprs', 'builtin'] if (suite, target) in SAFE_REPRS else []
        p = subprocess.run([sys.executable, os.path.join(HERE, 'stdlib_suite_run.py'), '--suite', suite, '--target', target,
                            '--out', out, *reprs], capture_output=True, text=True, timeout=600)
        assert p.returncode == 0, f'the runner failed ({p.returncode}):\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}'
        with open(out) as f: return json.load(f)

ids = [f'{s.split(".")[-1]}-{t.split(":")[-1]}' for s, t in CASES]

@pytest.mark.parametrize('suite,target', CASES, ids=ids)
def test_suite_outcomes_same(suite, target):
    r = suite_run(suite, target)
    o = r['outcomes']
    base, again = o['untraced'], o['untraced again']
    unstable = {k for k in set(base) | set(again) if base.get(k, ('missing', ''))[0] != again.get(k, ('missing', ''))[0]}
    assert not unstable, f'outcomes differ between two untraced runs (cannot compare): {sorted(unstable)[:20]}'
    bad = []
    for run in ('cap1', 'cap3', 'every'):
        for k in sorted(set(base) | set(o[run])):
            a, b = base.get(k, ('missing', '')), o[run].get(k, ('missing', ''))
            if a[0] != b[0]: bad.append(f'{run}: {k}: untraced {a[0]} {a[1]!r}, traced {b[0]} {b[1]!r}')
    assert not bad, f'{len(bad)} test outcomes changed by tracing {target}:\n' + '\n'.join(bad[:30])

@pytest.mark.parametrize('suite,target', CASES, ids=ids)
def test_suite_sample_invariant(suite, target):
    r = suite_run(suite, target)
    bad = {run: v for run, v in r['invariant'].items() if v}
    assert not bad, f'sample lists of the wrong length while tracing {target}: {bad}'

@pytest.mark.parametrize('suite,target', CASES, ids=ids)
def test_suite_hits_match_line_events(suite, target):
    r = suite_run(suite, target)
    lines = r['lines']
    assert r['calls']['every'] > 0 and lines['calls_seen'] == r['calls']['every'], (r['calls'], lines['calls_seen'])
    bad = {k: (h, lines['line'][k]) for k, h in lines['hits'].items() if h != lines['line'][k]}
    assert not bad, f'{len(bad)} statements of {target} whose summed hits differ from LINE events (hits, LINE): {bad}'
    assert sum(lines['hits'].values()) > 0
