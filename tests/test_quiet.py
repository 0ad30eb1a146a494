"""Quiet lines and rides (nbs/00_indexer, nbs/03_handlers): once their samples are complete, lines whose code can only
lead to entries entered from it alone stop reporting, and those entries count them. Tracing must give exactly the
results it gives with every line reporting (`Session(quiet=False)`), in far fewer callbacks."""
import argparse, asyncio, fractions, json, pprint, shlex, textwrap, difflib, statistics, threading
import pytest
import tracefunc.session as ts
from tracefunc.handlers import M
from tracefunc.session import Session
from conftest import check_invariant
import quiet_samples as Q

def run(target, fn, *args, quiet=True, **opts):
    "Trace the calls of `target` while `fn(*args)` runs; the results (invariant checked) and what the run returned."
    s = Session(target, quiet=quiet, stacks=False, **opts)
    with s:
        try:
            r = fn(*args)
            if asyncio.iscoroutine(r): r = asyncio.run(r)
        except Exception as e: r = e
    return check_invariant(s.results(), opts.get('max_samples', 10)), repr(r)

CASES = [
    ('branchy loop', Q.l1, Q.l1, 500),
    ('iterator raises late', Q.l2, Q.l2, 100, 60),
    ('iterator raises at once', Q.l2, Q.l2, 100, 1),
    ('caught late', Q.l3, Q.l3, 100, 60),
    ('unpacking fails', Q.l4, Q.l4, [(i, i) for i in range(50)] + [(1,)]),
    ('unpacking fails in try/finally', Q.l5, Q.l5, [(i, i) for i in range(50)] + [(5,)]),
    ('continue, break, else', Q.l6, Q.l6, 100),
    ('one-line body', Q.l7, Q.l7, 300),
    ('nested loops', Q.l8, Q.l8, [list(range(15))] * 20),
    ('if without else', Q.l9, Q.l9, [0, 1, 1] * 40),
    ('generator raises late', Q.g1, Q.g1r, 100, 60),
    ('async', Q.a1, Q.a1, 200),
    ('recursion with loops', Q.rec, Q.rec, 14),
    ('closure with a loop', Q.outer, Q.outer, 30),
    ('elif chain with continue', Q.l11, Q.l11, 300),
    ('fails on the last item', Q.l12, Q.l12, 40),
    ('generator in a loop raises', Q.l13, Q.l13, 60, 40),
    ('many recorded calls', Q.outer, Q.driver, 14),
    ('fib', Q.fib, Q.fib, 15),
    ('a loop ends the function', Q.tail_loop, Q.tail_loop, list(range(300))),
    ('an if after a loop ends the function', Q.tail_if, Q.tail_if, 300),
    ('return inside try/finally', Q.ret_in_try, Q.ret_in_try, list(range(30))),
    ('return raises inside try/finally', Q.ret_in_try, Q.ret_in_try, [0] * 30),
    ('return from inside a loop', Q.early_return, Q.early_return, list(range(100))),
    ('no early return', Q.early_return, Q.early_return, list(range(40))),
    ('raised deep, caught in recorded frames', Q.deep, Q.deep, 33),
    ('tree walk: recorded frames loop over unrecorded subtrees', Q.walk, Q.walk, Q.tree(5)),
    ('stdlib: textwrap', textwrap.TextWrapper._wrap_chunks, textwrap.wrap, 'hello world ' * 300, 20),
    ('stdlib: difflib', difflib.SequenceMatcher.find_longest_match,
     lambda: difflib.SequenceMatcher(None, 'abcd' * 60, 'abed' * 60).ratio()),
    ('stdlib: median', statistics.median, statistics.median, list(range(99))),
    ('stdlib: json encoder', json.encoder._make_iterencode,
     lambda: ''.join(json.encoder.JSONEncoder(indent=2, check_circular=False).iterencode([{'a': [1, 2.5, None, 'x' * i]} for i in range(40)], _one_shot=False))),
    ('stdlib: argparse', argparse.ArgumentParser._parse_known_args,
     lambda: [argparse.ArgumentParser().parse_known_args(['-x', str(i), 'rest']) for i in range(12)]),
    ('stdlib: fractions', fractions.Fraction.__new__, lambda: [fractions.Fraction(f'{i}/7') for i in range(30)]),
    ('stdlib: dedent', textwrap.dedent, textwrap.dedent, '    a\n      b\n\n    c\n' * 40),
    ('stdlib: pformat', pprint.PrettyPrinter._format, pprint.pformat, {i: [i] * 5 for i in range(60)}),
    ('stdlib: shlex', shlex.shlex.read_token, lambda: shlex.split('a "b c" d\\ e ' * 30)),
]
OPTS = [dict(), dict(max_calls=3, max_samples=2), dict(keep='last'), dict(keep='ends', max_samples=3), dict(max_samples=0)]

@pytest.mark.parametrize('opts', OPTS, ids=lambda o: ','.join(f'{k}={v}' for k, v in o.items()) or 'defaults')
@pytest.mark.parametrize('case', CASES, ids=lambda c: c[0])
def test_same_results_as_every_line_reporting(case, opts):
    name, target, fn, *args = case
    assert run(target, fn, *args, **opts) == run(target, fn, *args, quiet=False, **opts)

def test_exact_counts_when_the_iterator_raises_after_the_head_went_quiet():
    res, r = run(Q.l2, Q.l2, 100, 60)
    assert r == 'KeyError(60)'
    d = res[0][1]
    assert d['for i in It(n, bad):'][0] == 60 and d['t += i'][0] == 59
    assert d['for i in It(n, bad):'][1]['i'][-1] == ('int', '10')   # first samples kept: i of the 10th hit
    res, r = run(Q.l3, Q.l3, 100, 60)
    d = res[0][1]
    assert (d['for i in It(n, bad):'][0], d['t += i'][0], d['except KeyError:'][0], d['t = -t'][0]) == (60, 59, 1, 1)

def count_callbacks(monkeypatch):
    "Make sessions count their INSTRUCTION callbacks into the returned list."
    n, orig = [0], ts.callbacks
    def counting(sess):
        cbs = orig(sess)
        h = cbs['INSTRUCTION']
        def cb(code, offset):
            n[0] += 1
            return h(code, offset)
        return {**cbs, 'INSTRUCTION': cb}
    monkeypatch.setattr(ts, 'callbacks', counting)
    return n

def test_a_quiet_loop_reports_once_per_iteration(monkeypatch):
    n = count_callbacks(monkeypatch)
    res, _ = run(Q.l1, Q.l1, 3000)
    assert res[0][1]['for i in range(n):'][0] == 3001
    assert n[0] < 3000 + 100          # the branch taken, only: the `for` head and the `if` went quiet
    n[0] = 0
    run(Q.l1, Q.l1, 3000, quiet=False)
    assert n[0] > 3 * 3000            # every line, every time

def test_samples_keep_lines_reporting(monkeypatch):
    "With every hit sampled (keep='last'), nothing goes quiet: each line's values are taken when it ends."
    n = count_callbacks(monkeypatch)
    res, _ = run(Q.l7, Q.l7, 50, keep='last')
    assert n[0] > 2 * 50
    assert res[0][1]['t = i'][1]['i'][-1] == ('int', '49')

def test_a_new_recorded_call_wakes_quiet_lines():
    s = Session(Q.outer, stacks=False)
    with s:
        Q.outer(30)
        assert s.silenced   # the loops went quiet during the first call...
        Q.outer(30)
    d1, d2 = (d for _, d in s.results())
    assert d1 == d2         # ...and the second call, recorded from its start, has its own full samples

def test_recursion_after_the_last_recorded_call():
    "Calls after the 10th are only counted in depth; the 10 recorded ones (the outermost) stay exact."
    res, r = run(Q.walk, Q.walk, Q.tree(6))
    assert len(res) == 10
    outer = res[0][1]
    assert outer['for child in node[1]:'][0] == 4 and outer['total += walk(child)'][0] == 3
    assert outer['total += walk(child)'][1]['total'] == [('int', '185'), ('int', '364'), ('int', '543')]
    assert r == '543'
    res2, _ = run(Q.walk, Q.walk, Q.tree(6), quiet=False)
    assert res == res2

def test_another_thread_calls_the_target_while_unrecorded_calls_run():
    "Past the last recorded call the owner's calls are only counted in depth; another thread's call must not confuse them."
    Q.leaves[0] = 0
    expected, r0 = run(Q.rec2, Q.rec2, 14)          # the same recursion, with no thread involved
    Q.ready.clear(); Q.done.clear(); Q.pause.set(); Q.leaves[0] = 0
    th = threading.Thread(target=Q.other_thread); th.start()
    try: res, r = run(Q.rec2, Q.rec2, 14)
    finally: Q.pause.clear(); th.join(10)
    assert Q.done.is_set()
    assert r == r0
    assert [d for _, d in res] == [d for _, d in expected]

def test_unrecorded_calls_turn_entries_off_only_when_it_pays(monkeypatch):
    "A recorded frame calling many tiny unrecorded ones: turning their entries back on costs a callback per instruction, so it must stay rare."
    node = (0, [(0, [])] * 2000)
    for _ in range(9): node = (1, [node])          # 10 recorded calls, the last one with 2,000 unrecorded children
    n = [0]
    restart = M.restart_events
    def counting(): n[0] += 1; restart()
    monkeypatch.setattr(M, 'restart_events', counting)
    res, r = run(Q.walk, Q.walk, node)
    assert r == '9' and res[-1][1]['for child in node[1]:'][0] == 2001
    assert 0 < n[0] < 2000 // 4                        # not one per child
    monkeypatch.setattr(M, 'restart_events', restart)
    assert res == run(Q.walk, Q.walk, node, quiet=False)[0]

def test_a_loop_that_ends_its_function_goes_quiet_too(monkeypatch):
    "Its last check leads to the implicit `return None`, where `PY_RETURN` counts what ran unreported."
    n = count_callbacks(monkeypatch)
    res, _ = run(Q.tail_loop, Q.tail_loop, list(range(3000)))
    d = res[0][1]
    assert (d['for x in xs:'][0], d['total += x'][0]) == (3001, 3000)
    assert d['total += x'][1]['total'][-1] == ('int', '45')
    assert n[0] < 3000 + 100

@pytest.mark.parametrize('quiet', [True, False])
def test_loop_start_raising_after_the_frame_came_round(quiet):
    """The inner loop's head reports (its loop ends into the outer head, not a ride), while the outer head and the inner
    `for`'s first instructions are quiet: a row that is not iterable raises there, and the outer head's check and the
    inner `for` line, which ran unreported since the frame was on the inner head, are counted (`CodeTable.setups`)."""
    with Session(Q.l8, stacks=False, quiet=quiet) as s:
        with pytest.raises(TypeError): Q.l8([[1, 2]] * 20 + [None])
    assert {k: h for k, (h, _) in s.results()[0][1].items()} == {
        't = 0': 1, 'for row in m:': 21, 'for x in row:': 61, 't += x': 40}
