"""Structural checks of speed: how many callbacks a run costs, counted, not timed (timing belongs in bench/). Each
bound here is what a design choice buys; a change that breaks one has made some workload pay again."""
import collections, sys
import pytest
import tracefunc.handlers as th
from tracefunc import tracefunc
from conftest import bench_module

M = sys.monitoring
NAMES = {getattr(M.events, k): k for k in th.CALLBACKS}

@pytest.fixture
def counted(monkeypatch):
    "Count the session's callbacks per event, through a wrapper; `_getframe` is shifted by the wrapper's own frame."
    counts = collections.Counter()
    real = M.register_callback
    def register(tool, ev, cb):
        if cb is None: return real(tool, ev, None)
        name = NAMES[ev]
        def counting(*a):
            counts[name] += 1
            return cb(*a)
        return real(tool, ev, counting)
    getframe = sys._getframe
    monkeypatch.setattr(th, '_getframe', lambda n=0: getframe(n + 2))
    monkeypatch.setattr(M, 'register_callback', register)
    return counts

class Node:
    __slots__ = ('value', 'children')
    def __init__(self, value, children): self.value, self.children = value, children

def tree(depth, fan=4):
    return Node(depth, [tree(depth - 1, fan) for _ in range(fan)] if depth else [])

def visit(node):
    total = node.value
    for child in node.children:
        total += visit(child)
    return total

def walk(node):
    yield node.value
    for child in node.children:
        yield from walk(child)

def test_unrecorded_recursive_calls_cost_start_and_return_only(counted):
    t = tree(6)                    # 5,461 calls, 10 recorded
    res = tracefunc(visit, t)
    assert res.ret == visit(t) and len(res) == 10
    calls = 5461
    assert counted['PY_START'] == counted['PY_RETURN'] == calls
    assert counted['INSTRUCTION'] < calls * 0.2, counted

def test_unrecorded_generator_frames_go_dark(counted):
    t = tree(6)
    res = tracefunc(lambda: sum(walk(t)), target_func=walk)
    assert res.ret == sum(walk(t)) and len(res) == 10
    nodes = 5461
    assert counted['PY_RETURN'] == nodes
    # once dark: about one callback per node for the end of each delegate ('send' special), a few more while lit
    assert counted['INSTRUCTION'] < nodes * 1.3, counted
    assert counted['PY_YIELD'] < nodes * 0.1 and counted['PY_RESUME'] < nodes * 0.1, counted

# the benchmark's own workloads of these shapes (its `if in loop` and `loop in loop`)
if_in_loop, loop_in_loop = bench_module().if_in_loop, bench_module().loop_in_loop

@pytest.mark.parametrize('quiet', [True, False])
def test_if_without_else_in_a_loop_costs_one_callback_per_iteration(counted, quiet):
    """The `if`'s jump reports where it goes (`BRANCH`): a ride of each path. The statement after the `if` joins both paths
    and goes quiet: from the body, it ran too (`via`), which every event after it knows."""
    from tracefunc.session import Session
    n = 3000
    with Session(if_in_loop, stacks=False, quiet=quiet) as s: got = if_in_loop(n)
    assert got == sum(i for i in range(n) if i % 3 == 0) + n
    d = s.results()[0][1]
    assert {k: h for k, (h, _) in d.items()} == {'total = 0': 1, 'for i in range(n):': n + 1, 'if i % 3 == 0:': n,
                                                 'total += i': n // 3, 'total += 1': n, 'return total': 1}
    total = counted['INSTRUCTION'] + sum(counted[b] for b in th.BRANCHES)
    # the jump's, and a fixed few while the first samples are taken and the offsets that start no line turn off
    if quiet: assert total < n + 100, counted
    else: assert total > 3 * n, counted

@pytest.mark.parametrize('quiet', [True, False])
def test_loop_in_loop_costs_one_callback_per_inner_iteration_and_one_per_row(counted, quiet):
    "The inner loop's head is a ride of its `GET_ITER`, which goes quiet: the row's last line counts the outer head too."
    from tracefunc.session import Session
    rows = [[1, 2, 3]] * 2000
    with Session(loop_in_loop, stacks=False, quiet=quiet) as s: got = loop_in_loop(rows)
    assert got == 10000
    d = s.results()[0][1]
    assert {k: h for k, (h, _) in d.items()} == {'total = 0': 1, 'for row in rows:': 2001, 'for x in row:': 8000,
                                                 'total += x': 6000, 'total -= 1': 2000, 'return total': 1}
    per = counted['INSTRUCTION'] / len(rows)
    if quiet: assert per < 3 + 1 + 0.05, counted
    else: assert per > 8, counted

def if_else_then(n):
    t = 0
    for i in range(n):
        if i % 3:
            t += i
        else:
            t -= 1
        t += 1
    return t

@pytest.mark.parametrize('quiet', [True, False])
def test_if_else_then_a_statement_in_a_loop_costs_one_callback_per_iteration(counted, quiet):
    "Both branches report when they start, so the statement where they meet goes quiet (no `BRANCH` event needed)."
    from tracefunc.session import Session
    n = 3000
    with Session(if_else_then, stacks=False, quiet=quiet) as s: got = if_else_then(n)
    assert got == if_else_then(n)
    assert {k: h for k, (h, _) in s.results()[0][1].items()} == {
        't = 0': 1, 'for i in range(n):': n + 1, 'if i % 3:': n, 't += i': 2 * n // 3, 't -= 1': n // 3, 't += 1': n, 'return t': 1}
    total = counted['INSTRUCTION'] + sum(counted[b] for b in th.BRANCHES)
    if quiet: assert total < n + 100 and not any(counted[b] for b in th.BRANCHES), counted
    else: assert total > 3 * n, counted

def test_json_encoder_callbacks_stay_within_a_bound(counted):
    """json's pure-Python encoder through `_make_iterencode` (600 records): about 43,200 callbacks on 3.12-3.15; 44,277
    before quiet joins, and 49,619 when a join that went quiet as it was got demoted anyway (its lines before then report)."""
    import json.encoder
    bench = bench_module()
    recs = bench.json_records(0.1)
    res = tracefunc(bench.encode, *recs, target_func=json.encoder._make_iterencode)
    assert res.ret == bench.encode(*recs) and res.exc is None
    assert sum(counted.values()) < 44_000, counted

def test_closing_a_generator_expression_restarts_no_events(monkeypatch):
    "`all()` leaves its generator expression suspended, and it is closed: it cannot catch that, so nothing need report again."
    restarts = []
    real = M.restart_events
    monkeypatch.setattr(M, 'restart_events', lambda: restarts.append(1) or real())
    def f(xs):
        return [all(x < k for x in xs) for k in range(5)]
    res = tracefunc(f, [1, 2, 3])
    assert res.ret == [False, False, False, False, True]
    assert len(restarts) == 1, restarts   # (the session's start alone)
    assert {k: v[0] for k, v in res[0][1].items()} == {'return [all(x < k for x in xs) for k in range(5)]': 1,
        '[all(x < k for x in xs) for k in range(5)]': 5, '(x < k for x in xs)': 10}   # (1 + 1 + 2 + 3 + 3 elements)
