"Runtime behaviour: call limits, `tracing` options, exceptions, threads, other monitoring tools, bad inputs (SPEC 1, 2, 5)."
import asyncio, functools, sys
import pytest
import samples as S
from conftest import (trace, only, same, check_invariant, v, rep, cls, fn, bif, NE, cut, line_of, tools, M)
from tracefunc import tracefunc, tracing
from tracefunc.values import describe

R = lambda n: cls('range', n)
HERE = 'test_runtime.py'

def here(): return sys._getframe(1).f_lineno

def first(f): return f.__code__.co_firstlineno

def released(*funcs):
    "No tool id keeps local events on the code of `funcs` (nor on their nested code objects)."
    import types
    def codes(c):
        yield c
        for k in c.co_consts:
            if isinstance(k, types.CodeType): yield from codes(k)
    for f in funcs:
        for c in codes(f.__code__):
            for i in range(6): assert M.get_local_events(i, c) == 0, (f, c, i)

def loop_trace(n):
    "The exact trace of samples.loop(n) (1 <= n), the first 10 hits sampled."
    acc = [sum(range(k + 1)) for k in range(n)]
    return {'acc = 0': (1, {'acc': v(0)}),
            'for i in range(n):': (n + 1, {'i': v(*range(n), n - 1)[:10], 'range': R(min(n + 1, 10)), 'n': rep(n, min(n + 1, 10))}),
            'acc += i': (n, {'acc': v(*acc)[:10], 'i': v(*range(n))[:10]}),
            'return acc': (1, {'acc': v(sum(range(n)))})}

# --- recorded calls and stacks -----------------------------------------------------------------------------------

def test_recursion_records_first_ten_calls_in_start_order():
    res = trace(S.fact, 12, target_func=S.fact)
    assert res.exc is None and res.ret == 479001600
    assert len(res) == 10
    rec = f"fact (samples.py:{line_of(S.fact, 'return n * fact')})"
    for k, (stack, d) in enumerate(res):
        assert stack == '\n'.join([rec] * k + [f'fact (samples.py:{first(S.fact)})'])
        same(d, {'if n <= 1:': (1, {'n': v(12 - k)}),
                 'return n * fact(n - 1)': (1, {'n': v(12 - k), 'fact': fn('fact')})})

def test_recursion_without_target_func_has_empty_stacks():
    res = trace(S.fact, 12)
    assert [s for s, _ in res] == [''] * 10
    assert [d['if n <= 1:'] for _, d in res] == [(1, {'n': v(n)}) for n in range(12, 2, -1)]

def test_sequential_calls_over_the_cap():
    "15 sequential calls: the first 10 are recorded, in order; the others still run (their results are in ret)."
    res = trace(lambda: [S.loop(k) for k in range(1, 16)], target_func=S.loop)
    assert res.ret == [sum(range(k)) for k in range(1, 16)]
    assert len(res) == 10
    assert [d for _, d in res] == [loop_trace(k) for k in range(1, 11)]
    released(S.loop)

def test_seed_stacks_cut_at_fn():
    res = trace(S.wrapper, 2, target_func=S.target)
    assert res.ret == [1, 2, 11]
    t = f'target (samples.py:{first(S.target)})'
    w_for = f"wrapper (samples.py:{line_of(S.wrapper, 'for i in range(n)')})"
    w_another = f"wrapper (samples.py:{line_of(S.wrapper, 'another(10)')})"
    assert [s for s, _ in res] == [f'{w_for}\n{t}', f'{w_for}\n{t}', f'{w_another}\nanother (samples.py:{first(S.another)})\n{t}']
    assert [d for _, d in res] == [{'return x + 1': (1, {'x': v(x)})} for x in (0, 1, 10)]

def test_target_never_called():
    res = tracefunc(S.loop, 2, target_func=S.never)
    assert res == [] and isinstance(res, list)
    assert res.ret == 1 and res.exc is None
    released(S.loop, S.never)

def test_same_function_traced_twice_gives_same_result():
    for f, args, kw in ((S.loop, (4,), {}), (S.matcher, ([1, 2, 3],), {}), (S.c_gen, (3,), {}),
                        (S.fact, (5,), {'target_func': S.fact}), (S.drive_counter, (), {'target_func': S.counter})):
        a, b = trace(f, *args, **kw), trace(f, *args, **kw)
        assert a == b and list(a) == list(b), f
        assert (a.ret, a.exc) == (b.ret, b.exc)

def test_keywords_go_to_fn_and_ret():
    res = trace(S.sink, 1, fn=2, x=3)
    assert res.ret == ((1,), {'fn': 2, 'x': 3})
    same(only(res), {'return a, k': (1, {'a': v((1,)), 'k': v({'fn': 2, 'x': 3})})})
    kw = dict(max_calls=1, max_samples=0, width=3, keep='x', args=4, kwargs=5)   # tracing's options are fn's keywords here
    res = trace(S.sink, **kw)
    assert res.ret == ((), kw)
    same(only(res), {'return a, k': (1, {'a': v(()), 'k': v(kw)})})

def test_function_from_a_notebook_cell():
    "SPEC 1: functions whose source is only in linecache (Jupyter/IPython cells) work; the seed's stack format."
    import linecache
    src = 'def demo(n):\n    total = 0\n    for i in range(n): total += i\n    return total\n'
    fname = '/tmp/ipykernel_4242/2643322203.py'
    linecache.cache[fname] = (len(src), None, src.splitlines(True), fname)
    try:
        ns = {}
        exec(compile(src, fname, 'exec'), ns)
        res = trace(ns['demo'], 3, target_func=ns['demo'])
    finally:
        del linecache.cache[fname]
    assert res.ret == 3
    assert res == [('demo (2643322203.py:1)', {
        'total = 0': (1, {'total': v(0)}),
        'for i in range(n):': (4, {'i': v(0, 1, 2, 2), 'range': R(4), 'n': rep(3, 4)}),
        'total += i': (3, {'i': v(0, 1, 2), 'total': v(0, 1, 3)}),
        'return total': (1, {'total': v(3)})})]

# --- tracing(): limits and sample selection ----------------------------------------------------------------------

@pytest.mark.parametrize('keep,hdr,body', [
    ('first', [1, 2, 3, 4], [1, 2, 3, 4]),     # 1-based hits sampled: loop header (10 hits), body (9 hits)
    ('last', [7, 8, 9, 10], [6, 7, 8, 9]),
    ('ends', [1, 2, 9, 10], [1, 2, 8, 9])])
def test_tracing_keep_policies(keep, hdr, body):
    with tracing(S.loop, max_samples=4, keep=keep) as res: line = here(); S.loop(9)
    check_invariant(res, 4)
    assert len(res) == 1
    stack, d = res[0]
    assert stack == f'test_tracing_keep_policies ({HERE}:{line})\nloop (samples.py:{first(S.loop)})'
    i_after = lambda h: min(h - 1, 8)                  # i after the h-th check of the header
    acc_after = lambda h: sum(range(h))                # acc after the h-th `acc += i`
    same(d, {'acc = 0': (1, {'acc': v(0)}),
             'for i in range(n):': (10, {'i': v(*map(i_after, hdr)), 'range': R(4), 'n': rep(9, 4)}),
             'acc += i': (9, {'acc': v(*map(acc_after, body)), 'i': v(*[h - 1 for h in body])}),
             'return acc': (1, {'acc': v(36)})})

def test_tracing_ends_with_odd_max_samples():
    "'ends' keeps the first and the last hits, in the order taken, and the invariant holds for odd limits too."
    with tracing(S.c_many, max_samples=5, keep='ends') as res: S.c_many(20)
    check_invariant(res, 5)
    (hits, names), = [x for k, x in res[0][1].items() if k == '[i for i in range(n)]']
    assert hits == 20
    got = [int(r) for _, r in names['i']]
    assert got[0] == 0 and got[-1] == 19 and got == sorted(got) and len(set(got)) == 5

def test_tracing_max_calls_width_and_keep_last():
    with tracing(S.loop, max_samples=3, keep='last', max_calls=2, width=8) as res:
        line = here(); S.loop(5); S.loop(2); S.loop(3)
    check_invariant(res, 3)
    assert len(res) == 2
    st = f'test_tracing_max_calls_width_and_keep_last ({HERE}:{line})\nloop (samples.py:{first(S.loop)})'
    rng = [('type', '<clas...')]
    assert res[0] == (st, {'acc = 0': (1, {'acc': v(0)}),
                           'for i in range(n):': (6, {'i': v(3, 4, 4), 'range': rng * 3, 'n': rep(5, 3)}),
                           'acc += i': (5, {'acc': v(3, 6, 10), 'i': v(2, 3, 4)}),
                           'return acc': (1, {'acc': v(10)})})
    assert res[1] == (st, {'acc = 0': (1, {'acc': v(0)}),
                           'for i in range(n):': (3, {'i': v(0, 1, 1), 'range': rng * 3, 'n': rep(2, 3)}),
                           'acc += i': (2, {'acc': v(0, 1), 'i': v(0, 1)}),
                           'return acc': (1, {'acc': v(1)})})
    released(S.loop)

def test_tracing_zero_limits():
    with tracing(S.loop, max_calls=0) as res: S.loop(2)
    assert res == []
    with tracing(S.loop, max_samples=0) as res: S.loop(2)
    check_invariant(res, 0)
    assert res[0][1] == {'acc = 0': (1, {'acc': []}),
                         'for i in range(n):': (3, {'i': [], 'range': [], 'n': []}),
                         'acc += i': (2, {'acc': [], 'i': []}),
                         'return acc': (1, {'acc': []})}

def test_tracing_incl_unhit_and_default_first():
    with tracing(S.unhit, incl_unhit=True) as res: line = here(); S.unhit(0); S.unhit(1)
    check_invariant(res)
    st = f'test_tracing_incl_unhit_and_default_first ({HERE}:{line})\nunhit (samples.py:{first(S.unhit)})'
    assert list(res) == [
        (st, {'if x:': (1, {'x': v(0)}), 'y = 1': (0, {'y': []}), 'y = 2': (1, {'y': v(2)}), 'return y': (1, {'y': v(2)})}),
        (st, {'if x:': (1, {'x': v(1)}), 'y = 1': (1, {'y': v(1)}), 'y = 2': (0, {'y': []}), 'return y': (1, {'y': v(1)})})]

def test_width_truncation():
    res = trace(S.longs)
    s = 'abcdefghij' * 10
    exp = ('str', repr(s)[:47] + '...')
    assert len(exp[1]) == 50
    same(only(res), {"s = 'abcdefghij' * 10": (1, {'s': [exp]}), 'return s': (1, {'s': [exp]})})
    with tracing(S.longs, width=20) as res: S.longs()
    check_invariant(res)
    short = ('str', repr(s)[:17] + '...')
    assert res[0][1]["s = 'abcdefghij' * 10"] == (1, {'s': [short]}) and len(short[1]) == 20

# --- values ------------------------------------------------------------------------------------------------------

def test_incl_unhit():
    res = trace(S.unhit, 1, incl_unhit=True)
    same(only(res), {'if x:': (1, {'x': v(1)}), 'y = 1': (1, {'y': v(1)}), 'y = 2': (0, {'y': []}), 'return y': (1, {'y': v(1)})})
    same(only(trace(S.unhit, 1)), {'if x:': (1, {'x': v(1)}), 'y = 1': (1, {'y': v(1)}), 'return y': (1, {'y': v(1)})})

def test_raising_repr():
    res = trace(S.bad_repr)
    same(only(res), {'b = BadRepr()': (1, {'b': [('BadRepr', '<repr-error ValueError: nope>')], 'BadRepr': cls('samples.BadRepr')}),
                     'return 1': (1, {})})

def test_unbound_names():
    res = trace(S.unbound, 0)
    assert res.ret == 0
    same(only(res), {'if flag:': (1, {'flag': v(0)}),
                     'w = flag or z if flag else 0': (1, {'w': v(0), 'flag': v(0), 'z': [NE]}),
                     'del flag': (1, {'flag': [NE]}),
                     'return w': (1, {'w': v(0)})})

def test_huge_values_described_by_prefix():
    res = trace(S.big)
    assert res.ret == 2 * 10**7
    L = ('list', '[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, ...')
    Sx = ('str', "'" + 'x' * 46 + '...')
    assert len(L[1]) == len(Sx[1]) == 50
    same(only(res), {'L = list(range(10**7))': (1, {'L': [L], 'list': cls('list'), 'range': R(1)}),
                     "S = 'x' * 10**7": (1, {'S': [Sx]}),
                     'return len(L) + len(S)': (1, {'len': bif('len'), 'L': [L], 'S': [Sx]})})

@pytest.mark.parametrize('val', [
    list(range(10**6)), 'x' * 10**6 + "'", "'" + 'x' * 10**6, "'\"" + 'y' * 100, 'a\n' * 100, b'\x00' * 100, b"'" * 100,
    {i: str(i) for i in range(10**5)}, set(range(100)), tuple(range(100)), [[1, 2]] * 100, ['ab' * 40], (1,),
    frozenset(range(30)), {'k': 'v' * 100}, 'é' * 100, [None] * 30, list(range(13)), 'x' * 48, 'x' * 49, [1.5] * 20,
    range(10**9), ['\n' * 60], [], {}, set(), (), 'short'], ids=lambda x: type(x).__name__)
def test_describe_is_a_repr_prefix(val):
    assert describe(val) == (type(val).__name__, cut(repr(val)))

# --- exceptions --------------------------------------------------------------------------------------------------

def test_exception_is_caught_and_trace_kept():
    res = trace(S.boom, 1)
    assert res.ret is None and type(res.exc) is KeyError and res.exc.args == (2,)
    same(only(res), {'y = x + 1': (1, {'y': v(2), 'x': v(1)}),
                     'raise KeyError(y)': (1, {'KeyError': cls('KeyError'), 'y': v(2)})})
    released(S.boom)

def test_async_exception_is_caught():
    res = trace(S.async_boom)
    assert res.ret is None and type(res.exc) is ValueError and res.exc.args == ('ab',)
    same(only(res), {'await asyncio.sleep(0)': (1, {'asyncio': v(asyncio)}),
                     "raise ValueError('ab')": (1, {'ValueError': cls('ValueError')})})

def test_async_fn_inside_running_loop_points_to_tracing():
    async def main():
        with pytest.raises(RuntimeError) as ei: tracefunc(S.async_all, 1)
        return str(ei.value)
    msg = asyncio.run(main())
    assert 'async_all' in msg and 'with tracing(' in msg

def test_exception_in_tracing_block_propagates():
    with pytest.raises(KeyError):
        with tracing(S.boom) as res: line = here(); S.boom(1)
    check_invariant(res)
    assert res == [(f'test_exception_in_tracing_block_propagates ({HERE}:{line})\nboom (samples.py:{first(S.boom)})',
                    {'y = x + 1': (1, {'y': v(2), 'x': v(1)}), 'raise KeyError(y)': (1, {'KeyError': cls('KeyError'), 'y': v(2)})})]

@pytest.mark.parametrize('f,exc,a', [(S.kbd, KeyboardInterrupt, 1), (S.sysexit, SystemExit, 2)])
def test_base_exceptions_propagate_and_release_monitoring(f, exc, a):
    before = tools()
    with pytest.raises(exc) as ei: tracefunc(f)
    assert ei.value.args == (('stop',) if exc is KeyboardInterrupt else (3,))
    assert tools() == before
    released(f)
    with pytest.raises(exc):
        with tracing(f) as res: f()
    check_invariant(res)
    assert tools() == before
    released(f)
    assert len(res) == 1 and res[0][1]['a = 1' if a == 1 else 'a = 2'] == (1, {'a': v(a)})
    same(only(trace(S.loop, 3)), loop_trace(3))     # a later trace works

# --- threads, nesting, other tools -------------------------------------------------------------------------------

def test_threads_each_recorded_with_own_stack_and_state():
    "The three workers are all inside the target at once (a barrier): each call keeps its own frame state."
    res = trace(S.run_threads, target_func=S.worker)
    assert res.exc is None and res.ret == 'ok'
    assert len(res) == 3
    for stack, _ in res:
        lines = stack.split('\n')
        assert lines[0].startswith('Thread._bootstrap ($PYTHON_STDLIB/threading.py:')
        assert lines[-2].startswith('Thread.run ($PYTHON_STDLIB/threading.py:')
        assert lines[-1] == f'worker (samples.py:{first(S.worker)})'
        assert 'run_threads' not in stack
    got = sorted((d for _, d in res), key=lambda d: d['v = tag * 2'][1]['tag'])
    assert got == [{'v = tag * 2': (1, {'v': v(t * 2), 'tag': v(t)}),
                    'sync()': (1, {'sync': fn('sync')}),
                    'w = v + tag': (1, {'w': v(t * 3), 'v': v(t * 2), 'tag': v(t)}),
                    'return w': (1, {'w': v(t * 3)})} for t in 'abc']
    released(S.worker, S.run_threads)

def test_tracefunc_inside_traced_function():
    res = trace(S.outer_t, 3)
    assert res.ret == (4, 1)
    inner = [('TraceResults', cut(repr([('', {'return x + 1': (1, {'x': v(3)})})])))]
    same(only(res), {'from tracefunc import tracefunc': (1, {'tracefunc': fn('tracefunc')}),
                     'r = tracefunc(inner_t, x)': (1, {'r': inner, 'tracefunc': fn('tracefunc'), 'inner_t': fn('inner_t'), 'x': v(3)}),
                     'return r.ret, len(r)': (1, {'r': inner, 'len': bif('len')})})

def test_nested_tracefunc_on_the_same_target():
    "Both the outer and the inner session record the inner_t call."
    res = trace(S.outer_same, 4, target_func=S.inner_t)
    assert res.ret == [('', {'return x + 1': (1, {'x': v(4)})})]
    assert len(res) == 1
    stack, d = res[0]
    lines = stack.split('\n')
    assert lines[0] == f"outer_same (samples.py:{line_of(S.outer_same, 'r = tracefunc')})"
    assert lines[-1] == f'inner_t (samples.py:{first(S.inner_t)})'
    assert d == {'return x + 1': (1, {'x': v(4)})}

def test_tool_id_preference():
    "Free ids other than 0 (debuggers), 1 (coverage), 2 (profilers) first; those only when nothing else is free."
    before = tools()
    assert before[3:] == [None, None, None]
    during = trace(S.probe_tools).ret
    changed = [i for i in range(6) if during[i] != before[i]]
    assert len(changed) == 1 and changed[0] in (3, 4, 5)
    held = [i for i in (3, 4, 5) if M.get_tool(i) is None]
    for i in held: M.use_tool_id(i, 'test-hog')
    try:
        res = check_invariant(tracefunc(S.probe_tools))
        changed = [i for i in range(6) if res.ret[i] != tools()[i]]
        assert len(changed) == 1 and changed[0] in (0, 1, 2)
        same(only(res), {'return [sys.monitoring.get_tool(i) for i in range(6)]': (1, {}),
                         '[sys.monitoring.get_tool(i) for i in range(6)]': (6, {'sys': v(sys) * 6, 'i': v(*range(6)), 'range': R(6)})})
    finally:
        for i in held: M.free_tool_id(i)

def test_no_free_tool_id_raises_before_running():
    held = [i for i in range(6) if M.get_tool(i) is None]
    for i in held: M.use_tool_id(i, 'test-hog')
    S.RAN.clear()
    try:
        with pytest.raises(RuntimeError) as ei: tracefunc(S.side_effect, 1)
        assert 'tool id' in str(ei.value)
        with pytest.raises(RuntimeError):
            with tracing(S.side_effect): S.side_effect(2)
        assert S.RAN == []
    finally:
        for i in held: M.free_tool_id(i)
    same(only(trace(S.loop, 2)), loop_trace(2))

def test_other_monitoring_tool_keeps_working():
    "A tool with LINE and PY_START local events on the very function being traced gets all its events before, during and after."
    E, ev = M.events, []
    tid = next(i for i in (2, 1) if M.get_tool(i) is None)
    M.use_tool_id(tid, 'test-tool')
    try:
        M.register_callback(tid, E.LINE, lambda code, line: ev.append(line))
        M.register_callback(tid, E.PY_START, lambda code, off: ev.append('start'))
        M.set_local_events(tid, S.loop.__code__, E.LINE | E.PY_START)
        L = lambda t: line_of(S.loop, t)
        two = ['start', L('acc = 0'), L('for i'), L('acc += i'), L('for i'), L('acc += i'), L('for i'), L('return acc')]
        S.loop(2); assert ev == two; ev.clear()
        res = trace(S.loop, 2)
        assert ev == two; ev.clear()
        same(only(res), loop_trace(2))
        S.loop(2); assert ev == two; ev.clear()
        res = trace(S.wrapper, 1, target_func=S.loop)     # armed, never called: the other tool still sees loop's events
        assert res == [] and ev == []
        S.loop(2); assert ev == two
        assert M.get_local_events(tid, S.loop.__code__) == E.LINE | E.PY_START
    finally:
        M.set_local_events(tid, S.loop.__code__, 0)
        M.register_callback(tid, E.LINE, None)
        M.register_callback(tid, E.PY_START, None)
        M.free_tool_id(tid)

def test_global_events_tool_keeps_working():
    "A tool with global PY_START events (as a profiler or coverage would set) keeps counting starts during and after tracing."
    E, starts = M.events, []
    tid = next(i for i in (1, 2) if M.get_tool(i) is None)
    M.use_tool_id(tid, 'test-global')
    try:
        M.register_callback(tid, E.PY_START, lambda code, off: starts.append(code.co_name) if code.co_name in ('loop', 'wrapper', 'target') else None)
        M.set_events(tid, E.PY_START)
        S.wrapper(2); S.loop(1)
        assert starts == ['wrapper', 'target', 'target', 'target', 'loop']
        starts.clear()
        res = trace(S.wrapper, 2, target_func=S.target)
        S.loop(1)
        assert starts == ['wrapper', 'target', 'target', 'target', 'loop'] and len(res) == 3
        starts.clear()
        S.wrapper(2); S.loop(1)
        assert starts == ['wrapper', 'target', 'target', 'target', 'loop']
        assert M.get_events(tid) == E.PY_START
    finally:
        M.set_events(tid, 0)
        M.register_callback(tid, E.PY_START, None)
        M.free_tool_id(tid)

def test_settrace_user_keeps_working():
    ev = []
    def tr(frame, event, arg):
        if frame.f_code is S.loop.__code__:
            ev.append((event, frame.f_lineno))
            return tr
        return None
    L = lambda t: line_of(S.loop, t)
    one = [('call', first(S.loop)), ('line', L('acc = 0')), ('line', L('for i')), ('line', L('acc += i')),
           ('line', L('for i')), ('line', L('return acc')), ('return', L('return acc'))]
    old = sys.gettrace()
    sys.settrace(tr)
    try:
        S.loop(1); a = list(ev); ev.clear()
        res = tracefunc(S.loop, 1); b = list(ev); ev.clear()
        S.loop(1); c = list(ev); ev.clear()
        assert sys.gettrace() is tr
    finally:
        sys.settrace(old)
    assert a == b == c == one
    same(only(check_invariant(res)), loop_trace(1))

# --- targets that need resolving, bad inputs ---------------------------------------------------------------------

def test_bound_method():
    res = trace(S.K().m, 1)
    assert res.ret == 2
    same(only(res), {'b = a + 1': (1, {'b': v(2), 'a': v(1)}), 'return b': (1, {'b': v(2)})})

def test_bound_method_of_other_instance_as_target():
    res = trace(lambda: S.K().m(5), target_func=S.K().m)
    assert res.ret == 6
    assert res[0][0].split('\n')[-1] == f'K.m (samples.py:{first(S.K.m)})'
    assert res[0][1] == {'b = a + 1': (1, {'b': v(6), 'a': v(5)}), 'return b': (1, {'b': v(6)})}

def test_staticmethod_object():
    res = trace(S.K.__dict__['sm'], 1)
    assert res.ret == 3
    same(only(res), {'return a * 3': (1, {'a': v(1)})})

def test_classmethod_object_as_target():
    res = trace(S.K.cm, 'x', target_func=S.K.__dict__['cm'])
    assert res.ret == 'Kx'
    assert res == [(f'K.cm (samples.py:{first(S.K.cm)})', {'return cls.__name__ + a': (1, {'cls': cls('samples.K'), 'a': v('x')})})]

def test_partial():
    res = trace(functools.partial(S.K.sm, 2))
    assert res.ret == 6
    same(only(res), {'return a * 3': (1, {'a': v(2)})})

def test_decorated_function_traces_the_wrapped_source():
    res = trace(S.decorated, 1)
    assert res.ret == 3
    same(only(res), {'c = a + b': (1, {'c': v(3), 'a': v(1), 'b': v(2)}), 'return c': (1, {'c': v(3)})})

def _no_run(call, exc, *words):
    S.RAN.clear()
    with pytest.raises(exc) as ei: call()
    assert S.RAN == []
    for w in words: assert w in str(ei.value), (w, str(ei.value))

def test_non_callable_fn():
    _no_run(lambda: tracefunc(5), TypeError, '5')
    _no_run(lambda: tracing(5), TypeError, '5')

def test_builtin_target():
    _no_run(lambda: tracefunc(len, [1]), ValueError, 'len')
    _no_run(lambda: tracefunc(S.side_effect, 1, target_func=len), ValueError, 'len')
    _no_run(lambda: tracing(len), ValueError, 'len')

def test_class_target():
    _no_run(lambda: tracefunc(S.K), TypeError, 'K')
    _no_run(lambda: tracefunc(S.side_effect, 1, target_func=S.K), TypeError, 'K')

def test_exec_made_function():
    ns = {'RAN': S.RAN}
    exec('def made_by_exec(a):\n    RAN.append(a)\n    return a\n', ns)
    _no_run(lambda: tracefunc(ns['made_by_exec'], 1), ValueError, 'made_by_exec')
    _no_run(lambda: tracefunc(S.side_effect, 1, target_func=ns['made_by_exec']), ValueError, 'made_by_exec')

# --- more call shapes --------------------------------------------------------------------------------------------

def test_recursion_cap_with_nested_genexp():
    "Genexp lines belong to the recorded call that runs them; the calls past the cap record nothing."
    res = trace(S.rec_gen, 11, target_func=S.rec_gen)
    assert len(res) == 10 and res.ret == 55
    for k, (_, d) in enumerate(res):
        n = 11 - k
        same(d, {'s = sum(i for i in range(n))': (1, {'s': v(sum(range(n))), 'sum': bif('sum')}),
                 '(i for i in range(n))': (n, {'i': v(*range(min(n, 10))), 'range': R(min(n, 10)), 'n': rep(n, min(n, 10))}),
                 'if n > 0:': (1, {'n': v(n)}),
                 'rec_gen(n - 1)': (1, {'rec_gen': fn('rec_gen'), 'n': v(n)}),
                 'return s': (1, {'s': v(sum(range(n)))})})

def test_target_raising_inside_fn_that_catches():
    res = trace(S.catcher, [1, 0, 2], target_func=S.flaky)
    assert res.exc is None and res.ret == [10, None, 5]
    st = f"catcher (samples.py:{line_of(S.catcher, 'out.append(flaky(v))')})\nflaky (samples.py:{first(S.flaky)})"
    assert list(res) == [(st, {'y = 10 // x': (1, {'y': v(10), 'x': v(1)}), 'return y': (1, {'y': v(10)})}),
                         (st, {'y = 10 // x': (1, {'y': [NE], 'x': v(0)})}),
                         (st, {'y = 10 // x': (1, {'y': v(5), 'x': v(2)}), 'return y': (1, {'y': v(5)})})]

def test_interleaved_coroutines_are_separate_calls():
    "asyncio.gather interleaves two coroutine objects of the target: one call each, each with its own values."
    res = trace(S.gather2, target_func=S.co)
    assert res.exc is None and res.ret == [2, 4]
    assert len(res) == 2
    for (stack, d), x in zip(res, (1, 2)):
        assert stack.split('\n')[-1] == f'co (samples.py:{first(S.co)})'
        same(d, {'await asyncio.sleep(0)': (1, {'asyncio': v(asyncio)}),
                 'y = x * 2': (1, {'y': v(2 * x), 'x': v(x)}),
                 'await asyncio.sleep(0) ': (1, {'asyncio': v(asyncio)}),
                 'return y': (1, {'y': v(2 * x)})})

def test_nested_tracing_blocks_on_the_same_target():
    with tracing(S.flaky) as a:
        with tracing(S.flaky) as b: line = here(); S.flaky(5)
    st = f'test_nested_tracing_blocks_on_the_same_target ({HERE}:{line})\nflaky (samples.py:{first(S.flaky)})'
    exp = [(st, {'y = 10 // x': (1, {'y': v(2), 'x': v(5)}), 'return y': (1, {'y': v(2)})})]
    check_invariant(a); check_invariant(b)
    assert list(a) == exp and list(b) == exp
    released(S.flaky)

# --- describe(): exact repr prefixes, bounded work ---------------------------------------------------------------

def _selfref_list():
    l = [1]; l.append(l); return l

def _selfref_dict():
    d = {'a': 1}; d['self'] = d; return d

class _RetInt:
    def __repr__(self): return 5

def _repr_or_error(x):
    try: return repr(x)
    except Exception as e: return f'<repr-error {type(e).__name__}: {e}>'

@pytest.mark.parametrize('make', [_selfref_list, _selfref_dict, lambda: [_selfref_list()] * 2, lambda: (_selfref_list(),),
                                  _RetInt, lambda: 10**5000, lambda: bytearray(100),
                                  lambda: __import__('collections').defaultdict(int, {i: i for i in range(100)})],
                         ids=['selfref-list', 'selfref-dict', 'list-of-selfref', 'tuple-of-selfref', 'repr-not-str',
                              'int-over-str-digits', 'bytearray', 'defaultdict'])
def test_describe_edge_values(make):
    x = make()
    assert describe(x) == (type(x).__name__, cut(_repr_or_error(x)))

@pytest.mark.parametrize('make', [lambda c: [c] * 10**5, lambda c: (c,) * 10**5, lambda c: {i: c for i in range(10**5)},
                                  lambda c: [[c] * 1000] * 1000, lambda c: {'k': [c] * 10**5}],
                         ids=['list', 'tuple', 'dict', 'nested', 'dict-of-list'])
def test_describe_big_container_reprs_only_a_prefix(make):
    "SPEC 5: describing a builtin container costs O(width): only the elements that reach the cut are repr'd."
    calls = []
    class Counted:
        def __repr__(self): calls.append(1); return 'c'
    val = make(Counted())
    exp = cut(repr(val))
    calls.clear()
    assert describe(val) == (type(val).__name__, exp)
    assert len(calls) <= 51


def test_unwinding_frame_is_sampled_when_it_unwinds_not_at_session_end():
    "The raising line's names are described as the frame unwinds: a later mutation by the caller does not show."
    res = tracefunc(S.catches_then_mutates, target_func=S.raises_with)
    assert res.ret == [1, 2]
    (_, d), = res
    assert d['raise ValueError(len(xs))'] == (1, {'ValueError': [('type', "<class 'ValueError'>")], 'len': [('builtin_function_or_method', '<built-in function len>')], 'xs': [('list', '[1]')]})

def test_tracing_a_code_object_arms_it_before_its_function_exists(tmp_path):
    "A code object can be the target: the entry points arm a script's function before its `def` runs."
    src = "def area(w, h):\n    a = w * h\n    return a\nout = area(2, 3)\n"
    path = tmp_path / 'area.py'
    path.write_text(src)
    mod_code = compile(src, str(path), 'exec')
    code = next(c for c in mod_code.co_consts if getattr(c, 'co_name', None) == 'area')
    ns = {}
    with tracing(code) as res: exec(mod_code, ns)
    assert ns['out'] == 6
    (_, d), = res
    assert d == {'a = w * h': (1, {'a': [('int', '6')], 'w': [('int', '2')], 'h': [('int', '3')]}),
                 'return a': (1, {'a': [('int', '6')]})}
    assert res.to_dict()['function'] == 'area'

# --- describing the containers whose repr wraps a list's or a dict's -------------------------------------------------

import array, collections

class Counted:
    "A value that counts how often it is described."
    n = 0
    def __repr__(self):
        Counted.n += 1
        return 'c'

WRAPPED = [bytearray(b"ab'c" * 5), bytearray(b'x' * 10), {1: 2, 3: 4}.keys(), {1: 2}.values(), {1: 'a', 2: 'b'}.items(),
           collections.deque([1, 2, 3]), collections.deque([1], maxlen=4), collections.OrderedDict(a=1, b=[2]),
           collections.OrderedDict(), collections.defaultdict(list, {1: [2]}), collections.defaultdict(None),
           array.array('i', [1, 2, 3]), array.array('d'), {}.keys(), collections.deque(), bytearray()]

@pytest.mark.parametrize('width', [50, 12, 6])
def test_wrapped_containers_are_described_as_repr_cut(width):
    for x in WRAPPED:
        r = repr(x)
        assert describe(x, width) == (type(x).__name__, r if len(r) <= width else r[:width - 3] + '...'), x

@pytest.mark.parametrize('make', [list, collections.deque, lambda xs: dict.fromkeys(xs).keys(), lambda xs: dict(enumerate(xs)).values(),
                                  lambda xs: collections.OrderedDict(enumerate(xs)), lambda xs: collections.defaultdict(int, enumerate(xs))])
def test_describing_a_big_container_reprs_only_what_the_width_shows(make):
    "SPEC 5: O(width) for builtin containers, however large (counted: the elements whose repr was asked for)."
    xs = make([Counted() for _ in range(100_000)])
    Counted.n = 0
    name, r = describe(xs, 50)
    assert r.endswith('...') and len(r) == 50 and Counted.n <= 20, (r, Counted.n)

def test_a_repr_raising_systemexit_is_a_repr_error_not_the_programs_exit():
    class Weird:
        def __repr__(self): raise SystemExit('from repr')
    assert describe(Weird()) == ('Weird', '<repr-error SystemExit: from repr>')
    assert describe([1, Weird()]) == ('list', '<repr-error SystemExit: from repr>')
    def f():
        w = Weird()
        return 'done'
    res = tracefunc(f)
    assert res.ret == 'done' and res[0][1]['w = Weird()'][1]['w'] == [('Weird', '<repr-error SystemExit: from repr>')]
