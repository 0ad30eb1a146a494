"""SPEC 5: `tracefunc` can be called inside code that `tracefunc` is tracing, and both traces are complete (exact hits
and samples); so is a trace during which another `sys.monitoring` tool (a profiler) starts. Each case runs in a fresh interpreter: whether CPython delivers INSTRUCTION events after a second tool
arrives depends on what the process instrumented before (see the xfail reasons), so a case run after others could
pass by luck."""
import json, subprocess, sys, textwrap
import pytest

PRELUDE = textwrap.dedent('''
    import json, sys
    from tracefunc import tracefunc, tracing
    KEPT = []
    def keep(res):
        KEPT.append(res)
        return len(res)
    def inner(x):
        y = x + 1
        return y
    def boom(x):
        y = x + 1
        raise ValueError(y)
    def rec(n):
        if n:
            k = keep(tracefunc(rec, n - 1))
            return k
        return 0
''')

@pytest.fixture
def run(tmp_path):
    "Run a script, PRELUDE and then `body`, in a fresh interpreter; it prints a JSON document, returned as Python data"
    def run(body):
        (tmp_path/'prog.py').write_text(PRELUDE + textwrap.dedent(body))
        p = subprocess.run([sys.executable, 'prog.py'], cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)
    return run

def j(x): return json.loads(json.dumps(x))   # tuples as JSON gives them back: lists
def v(x): return [type(x).__name__, repr(x)]
F = lambda name: ['function', f'<function {name}>']
INNER = lambda x: ['', {'y = x + 1': [1, {'y': [v(x + 1)], 'x': [v(x)]}], 'return y': [1, {'y': [v(x + 1)]}]}]

# On 3.15 PY_UNWIND can be set locally (set_local_events accepts it; 3.12-3.14 refuse it), and CPython then counts
# it among the events that decide whether a code object needs per-tool bookkeeping: had each session set it globally,
# the inner one would turn every code object already armed for INSTRUCTION multi-tool (see below). tracefunc arms the
# exception events locally on 3.15 (and primes the code objects it arms).
def test_inner_session_on_another_target(run):
    out = run('''
        def outer(n):
            a = n * 2
            k = keep(tracefunc(inner, a))
            b = a + k
            return b
        res = tracefunc(outer, 3)
        print(json.dumps([res.ret, list(res), [list(r) for r in KEPT]]))
    ''')
    assert out == j([7, [['', {'a = n * 2': (1, {'a': [v(6)], 'n': [v(3)]}),
                               'k = keep(tracefunc(inner, a))': (1, {'k': [v(1)], 'keep': [F('keep')], 'tracefunc': [F('tracefunc')],
                                                                     'inner': [F('inner')], 'a': [v(6)]}),
                               'b = a + k': (1, {'b': [v(7)], 'a': [v(6)], 'k': [v(1)]}),
                               'return b': (1, {'b': [v(7)]})}]],
                     [[INNER(6)]]])

def test_inner_sessions_raising_and_a_tracing_block(run):
    out = run('''
        def outer(n):
            for i in range(2):
                k = keep(tracefunc(boom, i))
            t = tracing(inner)
            with t:
                inner(n)
            k = keep(t.res)
            return k
        res = tracefunc(outer, 3)
        print(json.dumps([res.ret, list(res), [list(r) for r in KEPT], [type(r.exc).__name__ for r in KEPT]]))
    ''')
    ret, ((stack, d),), kept, excs = out
    assert (ret, excs) == (1, ['ValueError', 'ValueError', 'NoneType'])
    assert {key: hits for key, (hits, _) in d.items()} == {'for i in range(2):': 3, 'k = keep(tracefunc(boom, i))': 2, 't = tracing(inner)': 1,
                                                          'with t:': 1, 'inner(n)': 1, 'k = keep(t.res)': 1, 'return k': 1}
    for key, (hits, names) in d.items():
        for name, samples in names.items(): assert len(samples) == min(hits, 10), (key, name, hits, samples)
    assert d['for i in range(2):'][1]['i'] == j([v(0), v(1), v(1)])
    assert d['k = keep(tracefunc(boom, i))'][1]['k'] == j([v(1), v(1)]) and d['inner(n)'][1]['n'] == j([v(3)])
    boom = lambda x: ['', {'y = x + 1': [1, {'y': [v(x + 1)], 'x': [v(x)]}], 'raise ValueError(y)': [1, {'ValueError': [['type', "<class 'ValueError'>"]], 'y': [v(x + 1)]}]}]
    assert kept[:2] == j([[boom(0)], [boom(1)]])
    assert [d for _, d in kept[2]] == [INNER(3)[1]]

# The same CPython behaviour on every version, without PY_UNWIND: a code object armed for INSTRUCTION by one tool
# turns multi-tool when a second tool arms INSTRUCTION on it too, and from then on the first tool gets none of its
# INSTRUCTION events (nor does anyone once the second tool has left) until it sets its local events again or
# restart_events() runs. Priming each target code object for two tools before arming it (set INSTRUCTION for a second,
# temporary tool id first, then clear it) keeps the first tool's events on 3.12-3.15 (measured): `Session.arm` does.
def test_inner_session_on_the_same_target(run):
    out = run('''
        res = tracefunc(rec, 1)
        print(json.dumps([res.ret, list(res), [list(r) for r in KEPT]]))
    ''')
    rec0 = {'if n:': (1, {'n': [v(0)]}), 'return 0': (1, {})}
    assert out == j([1, [['', {'if n:': (1, {'n': [v(1)]}),
                               'k = keep(tracefunc(rec, n - 1))': (1, {'k': [v(1)], 'keep': [F('keep')], 'tracefunc': [F('tracefunc')],
                                                                       'rec': [F('rec')], 'n': [v(1)]}),
                               'return k': (1, {'k': [v(1)]})}],
                         ['', rec0]],
                     [[['', rec0]]]])

# The same again, from a tool that is not tracefunc: cProfile (a sys.monitoring tool since 3.12, tool id 2) sets global
# events that code objects can also have locally (PY_START, CALL, ...) when it is enabled. Enabled inside the traced
# code, it turns the traced code object multi-tool after tracefunc armed it: from then on no INSTRUCTION event reaches
# tracefunc, on every version, unless it primed the code object: lines were missing, a loop header counted 1 check
# instead of 4, samples were lost.
def test_profiler_started_inside_the_traced_code(run):
    out = run('''
        import cProfile
        def work(n):
            p = cProfile.Profile()
            p.enable()
            b = n * 2
            for i in range(3):
                b += i
            p.disable()
            return b
        res = tracefunc(work, 3)
        print(json.dumps([res.ret, [d for _, d in res]]))
    ''')
    ret, (d,) = out
    assert ret == 9
    hits = {key: h for key, (h, _) in d.items()}
    assert hits == {'p = cProfile.Profile()': 1, 'p.enable()': 1, 'b = n * 2': 1, 'for i in range(3):': 4, 'b += i': 3, 'p.disable()': 1, 'return b': 1}
    assert d['b += i'][1] == j({'b': [v(6), v(7), v(9)], 'i': [v(0), v(1), v(2)]})
    assert d['for i in range(3):'][1]['i'] == j([v(0), v(1), v(2), v(2)])
