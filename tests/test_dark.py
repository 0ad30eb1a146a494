"""Past the call cap, unrecorded frames of a generator or coroutine target turn its entries off (they go dark) and
recorded frames turn them back on before they run again. Oracle: the first N recorded calls of a run capped at N are
exactly the first N calls of a run that records them all (nothing goes dark there), whatever the shape of the run."""
import asyncio, sys
import pytest
from tracefunc import tracing
from tracefunc.session import Session
from tracefunc.handlers import CodeRun
from conftest import check_invariant

class Node:
    def __init__(self, value, children=()): self.value, self.children = value, list(children)

def tree(depth, fan=3, start=0):
    kids, nxt = [], start + 1
    for _ in range(fan if depth else 0):
        k = tree(depth - 1, fan, nxt); kids.append(k); nxt = max(v for v in values(k)) + 1
    return Node(start, kids)

def values(n):
    yield n.value
    for c in n.children: yield from values(c)

def walk(node):
    yield node.value
    for child in node.children:
        yield from walk(child)

def walk_mixed(node):
    "A walk that also iterates and sums sub-walks itself, delegates to untraced iterators, and catches."
    yield node.value
    for i, child in enumerate(node.children):
        if i == 0:
            yield from walk_mixed(child)
        elif i == 1:
            total = sum(walk_mixed(child))       # a recorded frame waits in a call, not in a delegate
            yield total
        else:
            yield from range(child.value, child.value + 2)   # an untraced delegate
            try:
                for v in walk_mixed(child):
                    if v % 7 == 3: raise ValueError(v)
                    yield v
            except ValueError as e:
                yield -int(str(e))

def parked(node, depth=0):
    "Frames park at their own yield while siblings run: zip interleaves two walks."
    got = yield node.value
    if got == 'stop': return
    for child in node.children:
        yield from parked(child, depth + 1)

def drive_zip(t):
    a, b = walk(t), walk(t.children[0])
    return [x + y for x, y in zip(a, b)]

def drive_parked(t):
    gens = [parked(t), parked(t.children[1]), parked(t.children[2])]
    out = []
    for _ in range(40):
        for g in gens:
            out.append(next(g, None))
    return out

def drive_throw(t):
    g = walk(t)
    out = [next(g) for _ in range(5)]
    others = list(walk(t.children[2])) + list(walk(t.children[1]))
    try: g.throw(KeyError('x'))
    except KeyError: out.append('k')
    return out + others

def drive_park_ahead(t):
    "A recorded frame parks at its own yield while a whole unrecorded walk runs (in the dark), then resumes."
    g = parked(t)
    first = next(g)
    ahead = list(parked(t.children[1]))
    return [first] + ahead + list(g)

def guarded(node):
    try:
        yield node.value
    except KeyError:
        node = node.children[-1]
    for child in node.children:
        yield from guarded(child)

def drive_throw_parked(t):
    "A recorded frame parked at its own yield gets an exception thrown in after an unrecorded walk ran in the dark."
    g = guarded(t)
    first = next(g)
    ahead = list(guarded(t.children[0]))
    return [first] + ahead + [g.throw(KeyError('x'))] + list(g)

DRIVERS = [
    ('park-ahead', parked, drive_park_ahead),
    ('throw-parked', guarded, drive_throw_parked),
    ('walk', walk, lambda t: list(walk(t))),
    ('zip', walk, drive_zip),
    ('mixed', walk_mixed, lambda t: list(walk_mixed(t))),
    ('parked', parked, drive_parked),
    ('throw', walk, drive_throw),
]

def traces(target, drive, t, max_calls, quiet=True):
    s = Session(target, max_calls=max_calls, stacks=False, quiet=quiet)
    with s: ret = drive(t)
    return ret, s.results(), s.failure

@pytest.fixture(params=['patient', 'hasty'])
def patience(request, monkeypatch):
    """As shipped, entries go dark after about one event per instruction of the code; 'hasty' after one event, so that
    they go dark and light up again many times in a small run."""
    if request.param == 'hasty': monkeypatch.setattr(CodeRun, 'storm', property(lambda self: 1))
    return request.param

@pytest.mark.parametrize('name,target,drive', DRIVERS, ids=[d[0] for d in DRIVERS])
@pytest.mark.parametrize('cap', [1, 3, 10])
@pytest.mark.parametrize('quiet', [True, False])
def test_capped_calls_are_the_first_calls_of_a_full_run(name, target, drive, cap, quiet, patience):
    t = tree(4)
    want = drive(t)
    ret, capped, fail = traces(target, drive, t, cap, quiet)
    full_ret, full, full_fail = traces(target, drive, t, 100_000, quiet)
    assert ret == full_ret == want
    assert fail is None and full_fail is None
    assert len(capped) == min(cap, len(full))
    assert capped == full[:cap]
    check_invariant(capped)

async def coro(n, log):
    for i in range(n):
        await asyncio.sleep(0)
        log.append(i)
    return n

async def many(k):
    log = []
    got = await asyncio.gather(*(coro(i % 4 + 1, log) for i in range(k)))
    return got, len(log)

@pytest.mark.parametrize('cap', [1, 3])
def test_capped_coroutines_are_the_first_calls(cap, patience):
    def run(max_calls):
        s = Session(coro, max_calls=max_calls, stacks=False)
        with s: ret = asyncio.run(many(30))
        return ret, s.results()
    ret, capped = run(cap)
    full_ret, full = run(1000)
    assert ret == full_ret
    assert capped == full[:cap]
