"Shared helpers for the long-tail tests: run a trace and check the SPEC's sample invariant on every result."
import functools, importlib.util, os, sys
from pathlib import Path
import pytest
from tracefunc import tracefunc, tracing

M = sys.monitoring

BENCH = Path(__file__).resolve().parent.parent/'bench'/'bench.py'

@functools.cache
def bench_module():
    "`bench/bench.py`, imported (which defines its workloads; only `python bench/bench.py` runs them)."
    spec = importlib.util.spec_from_file_location('tracefunc_bench', BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod

def check_invariant(res, max_samples=10):
    "SPEC: every name's sample list has exactly min(hit_count, max_samples) entries (on every recorded call)."
    for stack, d in res:
        assert isinstance(stack, str)
        for key, (hits, names) in d.items():
            for name, samples in names.items():
                assert len(samples) == min(hits, max_samples), (key, name, hits, samples)
                for s in samples:
                    assert isinstance(s, tuple) and len(s) == 2 and all(isinstance(p, str) for p in s), (key, name, s)
    return res

def trace(fn, /, *args, **kwargs):
    "`tracefunc(...)` with the invariant checked."
    return check_invariant(tracefunc(fn, *args, **kwargs))

def only(res):
    "The trace dict of a run that recorded exactly one call, without a stack (no target_func given)."
    assert len(res) == 1, res
    stack, d = res[0]
    assert stack == ''
    return d

def same(d, expected):
    "Trace dict `d` equals `expected`, keys in the same (source) order."
    assert d == expected
    assert list(d) == list(expected)

def tools(): return [M.get_tool(i) for i in range(6)]

EVENTS = [e for e in ('PY_START', 'PY_RESUME', 'PY_RETURN', 'PY_YIELD', 'PY_THROW', 'PY_UNWIND', 'CALL', 'LINE',
                      'INSTRUCTION', 'JUMP', 'BRANCH', 'BRANCH_LEFT', 'BRANCH_RIGHT', 'STOP_ITERATION', 'RAISE', 'RERAISE', 'EXCEPTION_HANDLED',
                      'C_RETURN', 'C_RAISE') if hasattr(M.events, e)]

def monitoring_state():
    "Per tool id: its name, its global events and its callbacks (read by swapping them out and back in)."
    out = []
    for i in range(6):
        cbs = []
        for e in EVENTS:
            ev = getattr(M.events, e)
            cb = M.register_callback(i, ev, None)
            M.register_callback(i, ev, cb)
            cbs.append(cb)
        out.append((M.get_tool(i), M.get_events(i), cbs))
    return out

@pytest.fixture(autouse=True)
def monitoring_released():
    "SPEC 5: monitoring is always released (tool ids, global events, callbacks) and sys.settrace left alone by every test."
    before, tr = monitoring_state(), sys.gettrace()
    yield
    assert monitoring_state() == before
    assert sys.gettrace() is tr

# Samples are (type name, repr) pairs: short builders keep expected traces readable.
def cut(r, width=50): return r if len(r) <= width else r[:width-3] + '...'
def v(*xs): return [(type(x).__name__, cut(repr(x))) for x in xs]
def rep(x, n): return v(x) * n
NE = ('NameError', '<unavailable>')
def cls(name, n=1): return [('type', f"<class '{name}'>")] * n
def fn(qual, n=1): return [('function', f'<function {qual}>')] * n
def bif(name, n=1): return [('builtin_function_or_method', f'<built-in function {name}>')] * n

def raised(thunk):
    "The exception that `thunk()` raises on the running Python: messages change between versions (3.14 says 'division by zero'"
    " where 3.12 and 3.13 say 'integer division or modulo by zero'), so tests compare with this, never with a hard-coded text."
    try: thunk()
    except Exception as e: return e
    raise AssertionError(f'{thunk} raised nothing')

def message(thunk): return str(raised(thunk))

def line_of(func, text):
    "Line number (in its file) of the first source line of `func` containing `text`: stack strings name these."
    import inspect
    lines, start = inspect.getsourcelines(func)
    return next(start + i for i, l in enumerate(lines) if text in l)

def pytest_addoption(parser):
    parser.addoption('--long', action='store_true',
                     help='long transparency runs (tests/test_transparency.py, tests/test_stdlib_suites.py); or TRACEFUNC_LONG=1')

def pytest_configure(config):
    if config.getoption('long'): os.environ['TRACEFUNC_LONG'] = '1'
