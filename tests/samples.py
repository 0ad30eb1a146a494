"Traced sample functions for the long-tail tests: they need real source, so they live at module level in a .py file."
import asyncio, functools, sys, threading
from dataclasses import dataclass

# ---------------------------------------------------------------------------------------------------------------
# statements

def branch(x):
    if x > 5:
        r = 'big'
    elif x > 2:
        r = 'mid'
    else:
        r = 'small'
    return r

def for_else(n):
    t = 0
    for i in range(n):
        if i == 3:
            break
        if i % 2:
            continue
        t += i
    else:
        t = -1
    return t

def while_else(n):
    i = 0
    while i < n:
        i += 1
        if i == 2: continue
        if i == 5: break
    else:
        i = i * 100
    return i

@dataclass
class Pt:
    x: int
    y: int

def matcher(p):
    match p:
        case Pt(0, yy):
            r = ('yaxis', yy)
        case Pt(x=xx, y=0) | Pt(x=xx, y=1) as whole:
            r = ('low', xx, whole)
        case [1, *others] if len(others) > 1:
            r = others
        case {'k': k, **rest}:
            r = (k, rest)
        case str() | bytes():
            r = 'text'
        case _:
            r = 'other'
    return r

def try_all(x):
    try:
        y = 10 // x
    except ZeroDivisionError as e:
        y = -1
    except (TypeError, ValueError):
        y = -2
    else:
        y += 1
    finally:
        z = 'fin'
    return y

def try_return(x):
    try:
        return 10 // x
    finally:
        x = 'done'

def loop_try(vals):
    out = 0
    for v in vals:
        try:
            out += 10 // v
        except ZeroDivisionError:
            continue
        finally:
            out += 1
    return out

def try_star(n):
    hits = []
    try:
        raise ExceptionGroup('g', [ValueError(n), TypeError(n)])
    except* ValueError as eg:
        hits.append('v')
    except* TypeError as tg:
        hits.append('t')
    return hits

class CM:
    def __init__(self, name): self.name = name
    def __enter__(self): return self.name
    def __exit__(self, *a): return False

def with_nested():
    with CM('a') as a:
        with CM('b') as b, CM('c') as c:
            s = a + b + c
    return s

class Swallow:
    def __enter__(self): return self
    def __exit__(self, *a): return True
    def __repr__(self): return 'Swallow()'

def with_swallow():
    with Swallow() as sw:
        d = {}
        d['k']
    return 1

class ACM:
    async def __aenter__(self): return 'A'
    async def __aexit__(self, *a): return False

async def agen(n):
    for i in range(n):
        await asyncio.sleep(0)
        yield i

async def async_all(n):
    tot = 0
    async with ACM() as cm:
        async for v in agen(n):
            tot += v
    await asyncio.sleep(0)
    return tot, cm

async def async_wrapper(n):
    from tracefunc import tracing
    with tracing(async_all) as res:
        out = await async_all(n)
    return out, res

def walrus(xs):
    if (n := len(xs)) > 2:
        m = n
    return n

G = 0

def glob_nonlocal():
    global G
    G = G + 1
    def inner():
        nonlocal k
        k = k + 1
        return k
    k = 5
    inner()
    return k

def misc(d):
    x = [1, 2]
    del x[0]
    del d
    assert x == [2], 'bad'
    import os.path
    from math import sqrt as sq, pi
    return sq(4)

def assert_fail(x):
    assert x > 0, f'x={x}'
    return x

def raiser(x):
    if x:
        raise ValueError(f'bad {x}')
    return x

def raise_from():
    try:
        1 / 0
    except ZeroDivisionError as e:
        raise ValueError('v') from e

def deco(f): return f

def decorated_inner():
    @deco
    def inner(): return 1
    @deco
    class K:
        a = 1
        def m(self): return self.a
    return inner() + K().m()

def multi_line(a,
               b):
    total = (a +
             b)
    if (a >
            b):
        total = 0
    for x in (
        a,
        b,
    ):
        total += x
    return total

def nested_multi_def():
    def g(a,
          b=2):
        return a + b
    return g(1)

def one_liner(): x = 1; y = 2; return x + y

def one_line_nested():
    def f(): x = 1; return x
    return f()

def one_line_for(n):
    for i in range(n): pass
    return n

def same_text():
    x = 1
    x = 1
    x = 1
    return x

def no_ops():
    "docstring"
    pass
    x = 1
    ...
    return x

lam = lambda v: v * 2

lam_comp = lambda n: [i for i in range(n)]

def gen(n):
    for i in range(n):
        y = yield i
    return 'done'

def drive_gen():
    return list(gen(3))

def counter():
    i = 0
    while True:
        got = yield i
        i += 1

def drive_counter():
    g = counter()
    a = next(g)
    b = g.send('x')
    c = g.send('y')
    g.close()
    return a, b, c

def two_counters():
    g1 = counter()
    g2 = counter()
    next(g1); next(g2); g1.send(1); g2.send(2); g1.send(3)
    return 1

def yield_from():
    r = yield from sub_gen()
    return r

def sub_gen():
    yield 1
    return 2

def drive_yield_from():
    return list(yield_from())

def class_body():
    class C:
        x = 1
        y = x + 1
    return C.y

# ---------------------------------------------------------------------------------------------------------------
# comprehensions

def c_list(n):
    xs = [i * 2 for i in range(n) if i % 2 == 0]
    return xs

def c_set(n):
    s = {i % 3 for i in range(n)}
    return s

def c_dict(n):
    d = {k: k * k for k in range(n) if k != 1}
    return d

def c_gen(n):
    t = sum(i for i in range(n))
    g = (j + 1 for j in range(n))
    return t, list(g)

def c_nested(m):
    rows = [[r * c for c in range(2)] for r in range(m)]
    return rows

def c_for_header(n):
    out = []
    for v in [i + 1 for i in range(n)]:
        out.append(v)
    return out

def c_while_header(n):
    k = 0
    while sum(x for x in range(k)) < n:
        k += 1
    return k

def c_two_fors(n):
    ps = [(a, b) for a in range(n) for b in range(a)]
    return ps

def c_in_lambda():
    f = lambda q: [q + z for z in range(2)]
    return f(10)

def c_walrus(data):
    out = [y for x in data if (y := x * 2) > 2]
    return out, y

def c_outer_names(vals, k):
    total = sum([v * k for v in vals])
    return total

async def c_async(n):
    xs = [v * 10 async for v in agen(n)]
    return xs

def c_raise(vals):
    r = [10 // v for v in vals]
    return r

def c_empty(n):
    e = [i for i in range(n)]
    return e

def c_many(n):
    s = [i for i in range(n)]
    return len(s)

def make_gen(n):
    return (i * 2 for i in range(n))

def use_make_gen():
    g = make_gen(3)
    return list(g)

def c_nested_func(n):
    def inner(m):
        return {i: -i for i in range(m)}
    return inner(n)

# ---------------------------------------------------------------------------------------------------------------
# runtime

def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)

def loop(n):
    acc = 0
    for i in range(n):
        acc += i
    return acc

def target(x):
    return x + 1

def another(x): return target(x)

def wrapper(n):
    out = []
    for i in range(n): out.append(target(i))
    out.append(another(10))
    return out

def boom(x):
    y = x + 1
    raise KeyError(y)

def kbd():
    a = 1
    raise KeyboardInterrupt('stop')

def sysexit():
    a = 2
    sys.exit(3)

BARRIER = threading.Barrier(3, timeout=10)

def sync(): BARRIER.wait()

def worker(tag):
    v = tag * 2
    sync()
    w = v + tag
    return w

def run_threads():
    ts = [threading.Thread(target=worker, args=(k,)) for k in 'abc']
    for t in ts: t.start()
    for t in ts: t.join()
    return 'ok'

def inner_t(x):
    return x + 1

def outer_t(x):
    from tracefunc import tracefunc
    r = tracefunc(inner_t, x)
    return r.ret, len(r)

def outer_same(x):
    from tracefunc import tracefunc
    r = tracefunc(inner_t, x)
    return list(r)

class BadRepr:
    def __repr__(self): raise ValueError('nope')

def bad_repr():
    b = BadRepr()
    return 1

def unbound(flag):
    if flag:
        z = 1
    w = flag or z if flag else 0
    del flag
    return w

def big():
    L = list(range(10**7))
    S = 'x' * 10**7
    return len(L) + len(S)

def longs():
    s = 'abcdefghij' * 10
    return s

class K:
    def m(self, a):
        b = a + 1
        return b
    @staticmethod
    def sm(a):
        return a * 3
    @classmethod
    def cm(cls, a):
        return cls.__name__ + a

def wraps_deco(f):
    @functools.wraps(f)
    def w(*a, **k): return f(*a, **k)
    return w

@wraps_deco
def decorated(a, b=2):
    c = a + b
    return c

def never():
    return 5

def unhit(x):
    if x:
        y = 1
    else:
        y = 2
    return y

def sink(*a, **k): return a, k

def probe_tools():
    return [sys.monitoring.get_tool(i) for i in range(6)]

async def async_boom():
    await asyncio.sleep(0)
    raise ValueError('ab')

RAN = []

def side_effect(x):
    RAN.append(x)
    return x

def rec_gen(n):
    s = sum(i for i in range(n))
    if n > 0:
        rec_gen(n - 1)
    return s

def flaky(x):
    y = 10 // x
    return y

def catcher(vals):
    out = []
    for v in vals:
        try:
            out.append(flaky(v))
        except ZeroDivisionError:
            out.append(None)
    return out

async def co(x):
    await asyncio.sleep(0)
    y = x * 2
    await asyncio.sleep(0)
    return y

async def gather2():
    return await asyncio.gather(co(1), co(2))

def one_line_bodies(n):
    for i in range(n): a = i; b = a * 2
    while n: n -= 1; c = n
    return b, c

def with_multi_line_header(a):
    with (
        CM(a) as x,
        CM('y') as y,
    ):
        s = x + y
    return s

def lam_calls(xs):
    ys = sorted(xs, key=lambda t: -t)
    f = lambda q: q + 1
    a = f(1) + f(2)
    return ys, a

def inner_loop(n):
    def sq(x):
        return x * x
    tot = 0
    for i in range(n):
        tot += sq(i)
    return tot

def class_comp():
    class C:
        xs = [i * 2 for i in range(3)]
        n = len(xs)
    return C.n

def drive_counter_long(n):
    g = counter()
    next(g)
    for k in range(n): g.send(k)
    return k

async def async_wrapper_awith(n):
    from tracefunc import tracing
    async with tracing(agen) as res:
        out = [x async for x in agen(n)]
    return out, res

def deco_factory(tag):
    def d(f):
        f.tag = tag
        return f
    return d

def source_oddities(a, b):
    ü = 'é'; w = ü * 2
    x = 1 + \
        a
    total = (a +  # first
             b)
    if x > 0:  # a comment after the colon
        total += [c + 'é' for c in 'ab'].count('bé')
    @deco_factory(
        'T')
    def inner(): return inner.tag
    return w, x, total, inner()


def raises_with(xs):
    xs.append(1)
    raise ValueError(len(xs))

def catches_then_mutates():
    xs = []
    try: raises_with(xs)
    except ValueError: pass
    xs.append(2)
    return xs


def make_squares(n):
    return (i * i for i in range(n))

def two_genexps_zipped(n):
    a = (i for i in range(n)); b = (j * 10 for j in range(n))
    return list(zip(a, b))

# ---------------------------------------------------------------------------------------------------------------
# bodies with no bytecode at all

def only_pass(): pass

def only_ellipsis(x): ...

def only_docstring():
    "Nothing else."

def global_then_pass():
    global _unset
    pass

async def async_pass(): pass
