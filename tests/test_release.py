"""SPEC 5, on each Python: a session leaves no tool id, no global or local events and no callbacks behind, however it
ends: a return, an exception in the traced code, a BaseException, a `tracing` block that raises, tracing inside
tracing (another target or the same one, the inner one raising), the call limit reached, an abandoned generator.

What CPython itself releases differs by version (`test_free_tool_id_releases_per_version`): on 3.12 and 3.13
`free_tool_id` keeps the callbacks and the global and local events, and the local events go on firing for the next
tool that takes the id; 3.14 added `clear_tool_id`, and its `free_tool_id` clears callbacks and global events, while
`get_local_events` still reports the old local events until the id is taken again. So local events are checked here
on every version, with `get_local_events` for each tool id on every code object of the traced functions."""
import sys, types
import pytest
from conftest import monitoring_state, M
from tracefunc import tracefunc, tracing
from tracefunc.handlers import GLOBAL_EVENTS

E = M.events

# --- traced code: nested code objects (a comprehension's own code on 3.12+ is inlined, a genexp and a def are not)

def work(n):
    out = [i * i for i in range(n)]
    total = sum(x for x in out)
    def half(v): return v // 2
    return half(total)

def boom(n):
    k = work(n)
    raise ValueError(k)

def kbd():
    x = 1
    raise KeyboardInterrupt(x)

def rec(n):
    if n: return rec(n - 1) + 1
    return 0

def gen(n):
    for i in range(n):
        yield i

PROBES = []

def probe(live=1):
    "The monitoring state as the traced code sees it while `live` sessions run, kept for the test to look at"
    PROBES.append((live, state()))

def nest_other(n):
    probe()
    r = tracefunc(work, n)
    probe()
    return r.ret

def nest_same(n, live=1):
    if n:
        r = tracefunc(nest_same, n - 1, live + 1)
        probe(live)
        return r.ret
    return 0

def nest_raising(n):
    r = tracefunc(boom, n)
    probe()
    return type(r.exc).__name__

def nest_block(n):
    with tracing(work) as res: work(n)
    probe()
    return len(res)

FUNCS = (work, boom, kbd, rec, gen, nest_other, nest_same, nest_raising, nest_block)

def codes(c):
    "Code object `c` and every code object nested in it"
    yield c
    for k in c.co_consts:
        if isinstance(k, types.CodeType): yield from codes(k)

ALL_CODES = [c for f in FUNCS for c in codes(f.__code__)]

def local_events():
    "Per (tool id, code object) the local events set, where any are"
    return {(i, c.co_qualname): M.get_local_events(i, c) for i in range(6) for c in ALL_CODES if M.get_local_events(i, c)}

def state(): return monitoring_state(), local_events()

def tracefunc_tools(st): return [i for i, (name, _, _) in enumerate(st[0]) if name == 'tracefunc']

# --- the scenarios: each returns what it traced, for a check that it did trace

def returns(): return tracefunc(work, 4)

def raises():
    res = tracefunc(boom, 3)
    assert type(res.exc) is ValueError
    return res

def base_exception():
    with pytest.raises(KeyboardInterrupt): tracefunc(kbd)

def block_raises():
    with pytest.raises(ValueError):
        with tracing(boom) as res: boom(2)
    return res

def nested_other(): return tracefunc(nest_other, 3)
def nested_same(): return tracefunc(nest_same, 2)
def nested_raising():
    res = tracefunc(nest_raising, 2)
    assert res.ret == 'ValueError'
    return res
def nested_block(): return tracefunc(nest_block, 2)

def nested_then_outer_raises():
    def outer():
        tracefunc(boom, 1)
        probe(2)
        raise KeyError('outer')
    with pytest.raises(KeyError):
        with tracing(boom) as res:
            with tracing(outer): outer()
    return res

def call_limit():
    with tracing(rec, max_calls=2) as res: rec(6)
    assert len(res) == 2
    return res

def abandoned_generator():
    res = tracefunc(lambda: next(gen(5)), target_func=gen)
    assert res.ret == 0
    return res

SCENARIOS = [returns, raises, base_exception, block_raises, nested_other, nested_same, nested_raising, nested_block,
             nested_then_outer_raises, call_limit, abandoned_generator]

@pytest.mark.parametrize('scenario', SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_session_leaves_nothing_behind(scenario):
    before = state()
    assert not tracefunc_tools(before) and not local_events(), before   # a clean start, or the test proves nothing
    PROBES.clear()
    res = scenario()
    assert res is None or len(res) >= 1          # it did trace (what it recorded is other files' business)
    assert state() == before
    # and what the traced code saw while it ran: inner sessions that had ended had let go already, the live ones hold
    # one tool id each, with no global events but the exception events (before 3.15) and local events on nothing but
    # the traced code
    assert len(PROBES) == {'nested_other': 2, 'nested_same': 2, 'nested_raising': 1, 'nested_block': 1,
                           'nested_then_outer_raises': 1}.get(scenario.__name__, 0)
    for live, seen in PROBES:
        held = tracefunc_tools(seen)
        assert len(held) == live, (live, seen)
        for t in held: assert seen[0][t][1] & ~(GLOBAL_EVENTS | E.PY_THROW) == 0, seen[0][t]
        assert {i for i, _ in seen[1]} <= set(held), seen[1]

def test_the_check_sees_a_live_session():
    "While a session runs, the state this file compares is not the one before: a tool id named tracefunc, local events on the target's code"
    before = state()
    seen = []
    with tracing(work): seen.append(state()); work(1)
    (during, local), = seen
    (t,) = tracefunc_tools((during, local))
    assert during[t][0] == 'tracefunc' and any(cb is not None for cb in during[t][2])
    assert local[(t, 'work')] and all(i == t for i, _ in local)
    assert state() == before

def test_free_tool_id_releases_per_version():
    "What CPython's own release does, per version: why tracefunc clears its callbacks, global and local events itself."
    def f(): return 1
    cb = lambda *a: None
    t = next(i for i in (5, 4, 3) if M.get_tool(i) is None)
    M.use_tool_id(t, 'probe')
    M.register_callback(t, E.LINE, cb); M.set_events(t, E.PY_START); M.set_local_events(t, f.__code__, E.LINE)
    M.free_tool_id(t)
    kept_cb, kept_global = M.register_callback(t, E.LINE, None) is cb, M.get_events(t)
    reported_local = M.get_local_events(t, f.__code__)
    M.use_tool_id(t, 'probe')    # clean up whatever is left, whatever the version
    M.set_events(t, 0); M.set_local_events(t, f.__code__, 0); M.register_callback(t, E.LINE, None); M.free_tool_id(t)
    if sys.version_info >= (3, 14):
        assert hasattr(M, 'clear_tool_id')
        assert (kept_cb, kept_global, reported_local) == (False, 0, E.LINE)
    else:
        assert not hasattr(M, 'clear_tool_id')
        assert (kept_cb, kept_global, reported_local) == (True, E.PY_START, E.LINE)
