"""Tracing never changes what the program does (SPEC 5): exceptions past the call cap, exceptions leaving nested
`with` blocks, object lifetimes, and internal failures of the tracer, which must turn tracing off and never reach
the program."""
import gc, sys, threading, tracemalloc, weakref
from unittest import mock
import pytest
from tracefunc import tracefunc, tracing
from tracefunc.session import Session
from tracefunc.handlers import M
from conftest import check_invariant, trace, v

# ---- exceptions after the last recorded call

def parse(s):
    return int(s)

def outer(items):
    ok = 0
    for s in items:
        try: ok += parse(s)
        except ValueError: pass
    return ok

def test_target_raising_past_the_cap_does_not_change_the_program():
    "Issue 9's first repro: the 11th call raises ValueError, which the caller catches; untraced, outer returns 3."
    res = trace(outer, ['x'] * 12 + ['3'], target_func=parse)
    assert (res.exc, res.ret, res.incomplete) == (None, 3, None)
    assert len(res) == 10
    assert [d for _, d in res] == [{'return int(s)': (1, {'int': [('type', "<class 'int'>")], 's': v('x')})}] * 10

@pytest.mark.parametrize('max_calls', [1, 3, 10])
@pytest.mark.parametrize('keep', ['first', 'last', 'ends'])
def test_cap_with_raising_and_returning_calls(max_calls, keep):
    items = ['1', 'x', '2', 'y'] * 6
    with tracing(parse, max_calls=max_calls, keep=keep) as res: got = outer(items)
    assert got == outer(items) == 18
    assert len(res) == max_calls
    check_invariant(res)
    assert [d['return int(s)'][1]['s'][0] for _, d in res] == [('str', repr(s)) for s in items[:max_calls]]

def deep(n):
    if n == 0: raise KeyError('bottom')
    return deep(n - 1) + 1

def catch_deep(n):
    out = []
    for k in range(n):
        try: out.append(deep(k))
        except KeyError as e: out.append(str(e))
    return out

@pytest.mark.parametrize('max_calls', [1, 3, 10, 40])
def test_recursion_raising_at_the_bottom_past_the_cap(max_calls):
    with tracing(deep, max_calls=max_calls) as res: got = catch_deep(8)
    assert got == catch_deep(8) == ["'bottom'"] * 8
    assert len(res) == min(max_calls, 36)
    check_invariant(res)
    for _, d in res: assert d['if n == 0:'][0] == 1

# ---- exceptions leaving nested with blocks

class Ctx:
    def __enter__(self): return self
    def __exit__(self, *a): return False

def helper(x):
    if x % 4 == 3: raise ValueError(x)
    return x * 2

def nested_with(x):
    with Ctx():
        if x > 30: x -= 1
        with Ctx():
            x = helper(x)
            x = x * 3 % 17
    return x

@pytest.mark.parametrize('quiet', [True, False])
def test_exception_leaving_nested_with_counts_each_line_once(quiet):
    "Issue 9's second repro: `x = helper(x)` ran once (and raised); each `with` header ran once."
    with Session(nested_with, stacks=False, quiet=quiet) as s:
        with pytest.raises(ValueError): nested_with(3)
    (_, d), = s.results()
    assert {k: h for k, (h, _) in d.items()} == {'with Ctx():': 1, 'if x > 30:': 1, 'with Ctx(): ': 1, 'x = helper(x)': 1}
    assert d['x = helper(x)'][1]['x'] == v(3)

def loop_of_withs(n):
    t = 0
    for i in range(n):
        try:
            with Ctx():
                with Ctx():
                    t += helper(i)
                    t += 1
        except ValueError: t -= 1
    return t

@pytest.mark.parametrize('quiet', [True, False])
def test_with_blocks_raising_in_a_loop(quiet):
    with Session(loop_of_withs, stacks=False, quiet=quiet) as s: got = loop_of_withs(20)
    assert got == loop_of_withs(20)
    (_, d), = s.results()
    assert {k: h for k, (h, _) in d.items()} == {'t = 0': 1, 'for i in range(n):': 21, 'try:': 20, 'with Ctx():': 20,
        'with Ctx(): ': 20, 't += helper(i)': 20, 't += 1': 15, 'except ValueError:': 5, 't -= 1': 5, 'return t': 1}
    check_invariant([('', d)])

class Quiet:
    "A context manager that suppresses ValueError."
    def __enter__(self): return self
    def __exit__(self, typ, *a): return typ is ValueError

def loop_of_suppressing_withs(n):
    t = 0
    for i in range(n):
        with Quiet():
            t += helper(i)
    return t

@pytest.mark.parametrize('quiet', [True, False])
def test_suppressed_exceptions_in_a_loop(quiet):
    "An exception a `with` suppresses reaches no handler and leaves no frame: its line is counted where it lands."
    with Session(loop_of_suppressing_withs, stacks=False, quiet=quiet) as s: got = loop_of_suppressing_withs(40)
    assert got == loop_of_suppressing_withs(40)
    (_, d), = s.results()
    assert {k: h for k, (h, _) in d.items()} == {'t = 0': 1, 'for i in range(n):': 41, 'with Quiet():': 40,
                                                 't += helper(i)': 40, 'return t': 1}

# ---- object lifetimes: nothing of the program outlives the event being handled

class Obj:
    "An object whose death is observable."
    died = []
    def __init__(self, tag): self.tag = tag
    def __del__(self): Obj.died.append(self.tag)

def make(tag, log):
    o = Obj(tag)
    log.append(weakref.ref(o))
    return tag

def driver(n):
    log, alive = [], []
    for i in range(n):
        make(i, log)
        alive.append(sum(r() is not None for r in log))
    return alive

@pytest.mark.parametrize('max_calls', [1, 3, 10])
def test_target_locals_die_when_each_call_returns(max_calls):
    res = trace(driver, 12, target_func=make)
    assert res.ret == [0] * 12
    with tracing(make, max_calls=max_calls, keep='last') as res2: got = driver(12)
    assert got == [0] * 12

def scoped(log):
    o = Obj('a')
    del o
    log.append(list(Obj.died))
    p = Obj('b')
    p = None
    log.append(list(Obj.died))
    return len(log)

def test_del_runs_where_it_runs_untraced():
    Obj.died.clear(); untraced = []; scoped(untraced)
    Obj.died.clear(); traced = []
    res = trace(scoped, traced)
    assert traced == untraced == [['a'], ['a', 'b']]
    assert res[0][1]['del o'][0] == 1

def gen_with_local(n):
    big = Obj('gen')
    for i in range(n): yield i

def test_abandoned_generator_locals_die():
    Obj.died.clear()
    def run():
        g = gen_with_local(5)
        next(g)
        del g
        return list(Obj.died)
    assert run() == ['gen']
    Obj.died.clear()
    res = tracefunc(run, target_func=gen_with_local)
    assert res.ret == ['gen']

def make_gen(n):
    xs = [Obj('xs')]
    return (i * 2 for i in range(n))

def test_handed_out_generator_keeps_no_frame_alive():
    Obj.died.clear()
    def run():
        g = make_gen(3)
        died = list(Obj.died)      # make_gen's locals are gone once it returned
        return died, list(g)
    assert run() == (['xs'], [0, 2, 4])
    Obj.died.clear()
    res = trace(run, target_func=make_gen)
    assert res.ret == (['xs'], [0, 2, 4])
    d = res[0][1]
    assert d['(i * 2 for i in range(n))'][1]['n'] == v(3, 3, 3)   # described when make_gen ended

def builds(n):
    data = list(range(n))
    return len(data)

def call_builds(k, n):
    return [builds(n) for _ in range(k)]

def test_peak_memory_as_untraced():
    "Issue 9: 10 calls of a target that builds a big list peaked at 10x the untraced memory."
    def peak(f):
        gc.collect(); tracemalloc.start()
        try: f(); return tracemalloc.get_traced_memory()[1]
        finally: tracemalloc.stop()
    n = 200_000
    untraced = peak(lambda: call_builds(10, n))
    traced = peak(lambda: tracefunc(call_builds, 10, n, target_func=builds))
    assert traced < untraced * 1.5, (traced, untraced)

@pytest.mark.skipif(sys.version_info >= (3, 13), reason='3.13+: locals() returns a fresh snapshot, f_locals is a view')
def test_locals_dict_the_program_holds_is_not_refreshed_by_sampling():
    "Python 3.12: reading frame.f_locals refreshes the dict `locals()` returned; sampling must not."
    def snap():
        x = 1
        d = locals()
        x = 2
        y = x + 1
        return d['x'], 'y' in d
    assert snap() == (1, False)
    res = trace(snap)
    assert res.ret == (1, False)
    assert res[0][1]['y = x + 1'][1]['x'] == v(2)

# ---- internal failures never reach the program

def total(xs):
    t = 0
    for x in xs:
        if x % 2: t += x
        else: t -= x
    return t

def gen_total(xs):
    for x in xs: yield x * 2

def run_all(xs):
    return total(xs), list(gen_total(xs))

def failing(name, after=0, exc=RuntimeError('simulated tracer bug')):
    "Patch Session method `name` to raise `exc` from its `after`+1-th call on."
    real, calls = getattr(Session, name), []
    def f(self, *a, **k):
        calls.append(a)
        if len(calls) > after: raise exc
        return real(self, *a, **k)
    return mock.patch.object(Session, name, f)

# (Session method, the callback that calls it first, for a plain function and for a generator)
FAILURES = [('leave', 'INSTRUCTION', 'INSTRUCTION'), ('on_start', 'PY_START', 'PY_START'), ('finish', 'PY_RETURN', 'PY_RETURN'),
            ('on_special', 'INSTRUCTION', None), ('count_unreported', 'PY_RETURN', 'PY_RETURN')]

@pytest.mark.parametrize('name,event,gen_event', FAILURES)
@pytest.mark.parametrize('target', ['total', 'gen_total'])
def test_internal_failure_turns_tracing_off_and_the_program_goes_on(name, event, gen_event, target):
    xs = list(range(30))
    fn = {'total': total, 'gen_total': gen_total}[target]
    with failing(name):
        res = tracefunc(run_all, xs, target_func=fn)
    assert res.ret == run_all(xs) and res.exc is None
    want = event if target == 'total' else gen_event
    if want is None:   # (a generator over a plain loop has no special offsets)
        assert res.incomplete is None
        return
    assert res.incomplete['error'] == 'RuntimeError: simulated tracer bug'
    assert res.incomplete['origin'].startswith('failing.<locals>.f (')
    assert res.incomplete['event'] == want
    assert res.incomplete['at'].startswith(fn.__qualname__ + ' (')
    assert res.incomplete['calls'] == (0 if name == 'on_start' else 1)
    d = res.to_dict()
    assert d['incomplete'] == res.incomplete
    assert 'trace incomplete' in str(res)
    assert 'trace incomplete' in res._repr_markdown_()

def tally(xs):
    n = 0
    for x in xs:
        if x % 3 == 0:
            n -= 1
        n += x
    return n

def test_internal_failure_in_the_branch_callback():
    "The `if`'s jump reports through `BRANCH` (a branch ride): a failure there turns tracing off as any other."
    real = Session.leave
    def leave(self, *a, **k):
        if sys._getframe(1).f_code.co_name == '_on_branch': raise RuntimeError('simulated tracer bug')
        return real(self, *a, **k)
    xs = list(range(30))
    with mock.patch.object(Session, 'leave', leave):
        res = tracefunc(lambda: [tally(xs) for _ in range(3)], target_func=tally)
    assert res.ret == [tally(xs)] * 3 and res.exc is None
    assert (res.incomplete['event'], res.incomplete['error'], res.incomplete['calls']) == ('BRANCH', 'RuntimeError: simulated tracer bug', 1)
    assert res.incomplete['at'].startswith('tally (')

def test_internal_failure_in_unwind_keeps_the_program_exception():
    with failing('finish'):
        res = tracefunc(deep, 3)
    assert type(res.exc) is KeyError and str(res.exc) == "'bottom'"
    assert res.incomplete['event'] == 'PY_UNWIND'
    tb_funcs = []
    tb = res.exc.__traceback__
    while tb is not None: tb_funcs.append(tb.tb_frame.f_code.co_name); tb = tb.tb_next
    assert tb_funcs[-4:] == ['deep'] * 4   # the program's own frames, no tracer frame among them

def test_internal_failure_inside_tracing_block_propagates_nothing():
    with failing('leave', after=3):
        with tracing(total) as res: got = [total(range(k)) for k in range(5)]
    assert got == [total(range(k)) for k in range(5)]
    assert res.incomplete['error'] == 'RuntimeError: simulated tracer bug'
    assert 1 <= len(res) <= 5

def test_keyboard_interrupt_during_a_callback_reaches_the_program():
    with failing('leave', after=2, exc=KeyboardInterrupt()):
        with pytest.raises(KeyboardInterrupt):
            tracefunc(total, list(range(10)))
    # the conftest fixture checks that monitoring was released

def test_a_failed_session_leaves_no_events_on():
    with failing('leave', after=1):
        s = Session(total, stacks=False)
        with s:
            total(range(10))
            assert s.failure is not None
            assert M.get_events(s.tool) == 0
            assert all(M.get_local_events(s.tool, t.code) == 0 for t in s.index.tables)
            assert total(range(10)) == 5     # runs untraced
    assert s.results()[0][1]['t = 0'][0] == 1

def test_disarmed_session_ignores_unwinds():
    "After the last recorded call the session turns every event off, PY_UNWIND included."
    s = Session(parse, max_calls=2, stacks=False)
    with s:
        outer(['1', '2'])
        assert M.get_events(s.tool) == 0
        assert outer(['x', '3']) == 3

# ---- threads

def test_target_raising_on_threads_past_the_cap():
    out = []
    def work(k): out.append(outer(['1', 'x'] * k))
    with tracing(parse, max_calls=3) as res:
        ts = [threading.Thread(target=work, args=(k,)) for k in range(1, 6)]
        for t in ts: t.start()
        for t in ts: t.join()
    assert sorted(out) == [1, 2, 3, 4, 5]
    assert len(res) == 3 and res.incomplete is None
    check_invariant(res)

# ---- found by the transparency family

def with_in_finally(x):
    try:
        c = 1 // x
    finally:
        with Ctx():
            d = 1

@pytest.mark.parametrize('x', [0, 1])
def test_with_in_a_finally_counts_its_header_on_both_paths(x):
    "The exceptional path's copy of a finally holds a copy of the with header, after the with's body in the bytecode."
    res = trace(with_in_finally, x)
    assert {k: h for k, (h, _) in res[0][1].items()} == {'try:': 1, 'c = 1 // x': 1, 'with Ctx():': 1, 'd = 1': 1}

def test_traced_function_and_its_globals_are_not_kept_alive(tmp_path):
    import importlib.util
    (tmp_path/'leakmod.py').write_text("def f(x):\n    return x + 1\n")
    spec = importlib.util.spec_from_file_location('leakmod', tmp_path/'leakmod.py')
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    class Big: pass
    mod.payload = Big()
    probe, fref = weakref.ref(mod.payload), weakref.ref(mod.f)
    assert tracefunc(mod.f, 1).ret == 2
    del mod, spec
    gc.collect()
    assert probe() is None and fref() is None

def test_lru_cache_wrappers_resolve_to_the_function():
    import functools
    @functools.lru_cache
    def cached(x):
        y = x * 2
        return y
    res = trace(cached, 4)
    assert res.ret == 8 and list(res[0][1]) == ['y = x * 2', 'return y']

def comp_raises(x):
    a = 1
    c = [1 // x for j in range(2)]

def comp_raises_in_except(x):
    a = 1
    try:
        1 // x
    except ZeroDivisionError:
        c = [1 // x for j in range(2)]
        b = 2

@pytest.mark.parametrize('max_samples', [0, 1, 10])
def test_exception_leaving_an_inlined_comprehension_counts_each_line_once(max_samples):
    "The comprehension's clean-up (3.12+: inlined) carries its statement's position: it enters no line."
    for f, want in ((comp_raises, {'a = 1': 1, 'c = [1 // x for j in range(2)]': 1}),
                    (comp_raises_in_except, {'a = 1': 1, 'try:': 1, '1 // x': 1, 'except ZeroDivisionError:': 1,
                                             'c = [1 // x for j in range(2)]': 1})):
        s = Session(f, stacks=False, max_samples=max_samples)
        with s:
            with pytest.raises(ZeroDivisionError): f(0)
        (_, d), = s.results()
        assert {k: h for k, (h, _) in d.items()} == want
        check_invariant(s.results(), max_samples)

def test_threads_starting_calls_at_once_record_exactly_max_calls():
    "Threads racing past the cap: a call claims its place atomically, and frame states are read from a copy."
    import sys as _sys
    old = _sys.getswitchinterval()
    _sys.setswitchinterval(1e-6)      # switch threads as often as possible
    try:
        for rep in range(20):
            barrier = threading.Barrier(4)
            def work(k):
                barrier.wait()
                for j in range(3): builds(50 + k + j)
            with tracing(builds, max_calls=5) as res:
                ts = [threading.Thread(target=work, args=(k,)) for k in range(4)]
                for t in ts: t.start()
                for t in ts: t.join()
            assert len(res) == 5 and res.incomplete is None, (rep, len(res), res.incomplete)
            check_invariant(res)
    finally: _sys.setswitchinterval(old)
