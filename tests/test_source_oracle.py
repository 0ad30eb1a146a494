"""Hit counts by the source's semantics (SPEC 1, "What is recorded"), checked with tests/source_oracle.py.

Each hand-written case gives, per call, every statement of the target (source order, the tracer's keys without their
disambiguating spaces) with the count derived by reading the source: statements with no bytecode (`pass`, `...`,
constants, `global`/`nonlocal`, `try:` headers, statements after `;`) counted each time control reaches them, dead
statements 0. Three checks per case: the oracle gives those counts (it is right), the tracer gives them with
`incl_unhit=True`, and without it the dead statements are absent and the others present with the same counts.
Then random programs: the oracle against the tracer (a slice here, thousands with `--long` / TRACEFUNC_LONG=1), and
the oracle against CPython's LINE events on programs whose statements all have bytecode.
"""
import ast, os, sys, warnings
from pathlib import Path
import pytest
sys.path.insert(0, str(Path(__file__).resolve().parent))
import source_oracle as S
from tracefunc.session import tracing
from tracefunc.indexer import func_index

LONG = os.environ.get('TRACEFUNC_LONG') == '1'   # (pytest --long sets it: tests/conftest.py)

PRELUDE = '''\
class Ctx:
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return False

class Swallow:
    def __enter__(self):
        return self
    def __exit__(self, typ, exc, tb):
        return typ is not None and issubclass(typ, (ValueError, ZeroDivisionError))

G1 = G2 = 0

def run(f, *args):
    "Call `f`: its result or its exception's type name."
    try:
        return f(*args)
    except Exception as e:
        return type(e).__name__

def close_twice(g):
    "Start generator `g`, close it (it may ignore GeneratorExit: RuntimeError), then close it again."
    next(g)
    try:
        g.close()
    except RuntimeError as e:
        pass
    g.close()
'''

# name -> (source of the target `f` (dedented, after PRELUDE), driver code, per call: [(statement, count), ...])
CASES = {
    'after raise (brief a)': ('''
def f():
    x = 1
    raise ValueError("boom")
    y = 2
''', 'run(f)', [[('x = 1', 1), ('raise ValueError("boom")', 1), ('y = 2', 0)]]),

    'after continue and return (brief b)': ('''
def f(n):
    for i in range(n):
        if i:
            continue
            z = 3
        w = 4
    return n
    q = 5
''', 'run(f, 3)', [[('for i in range(n):', 4), ('if i:', 3), ('continue', 2), ('z = 3', 0), ('w = 4', 1),
                    ('return n', 1), ('q = 5', 0)]]),

    'a dead loop after break (brief u3)': ('''
def f(x):
    for i in range(3):
        break
        for j in range(2):
            y = j
    return x
''', 'run(f, 1)', [[('for i in range(3):', 1), ('break', 1), ('for j in range(2):', 0), ('y = j', 0), ('return x', 1)]]),

    'pass after ; in a one-line finally (brief h1)': ('''
def f():
    try: None
    finally: y = 1; pass
    pass
''', 'run(f)', [[('try:', 1), ('None', 1), ('y = 1', 1), ('pass', 1), ('pass', 1)]]),

    'except* unmatched': ('''
def f():
    a = 1
    try:
        int('z')
    except* KeyError:
        pass
    b = 2
''', 'run(f)', [[('a = 1', 1), ('try:', 1), ("int('z')", 1), ('except* KeyError:', 1), ('pass', 0), ('b = 2', 0)]]),

    'except* one line (brief)': ('''
def f():
    a = 1; b = 2
    try: int('z')
    except* KeyError: pass
''', 'run(f)', [[('a = 1', 1), ('b = 2', 1), ('try:', 1), ("int('z')", 1), ('except* KeyError:', 1), ('pass', 0)]]),

    'except* raising in its handler': ('''
def f():
    a = 1
    try:
        int('z')
    except* ValueError:
        raise KeyError('k')
    b = 2
''', 'run(f)', [[('a = 1', 1), ('try:', 1), ("int('z')", 1), ('except* ValueError:', 1), ("raise KeyError('k')", 1),
                 ('b = 2', 0)]]),

    'except* matched': ('''
def f():
    a = 1
    try:
        raise ExceptionGroup('g', [ValueError(1), KeyError(2)])
    except* ValueError:
        b = 2
    except* KeyError:
        pass
    c = 3
''', 'run(f)', [[('a = 1', 1), ('try:', 1), ("raise ExceptionGroup('g', [ValueError(1), KeyError(2)])", 1),
                 ('except* ValueError:', 1), ('b = 2', 1), ('except* KeyError:', 1), ('pass', 1), ('c = 3', 1)]]),

    'a generator that ignored GeneratorExit, closed again': ('''
def f():
    try:
        try:
            yield 1
        except GeneratorExit:
            pass
        yield 2
    finally:
        x = 3
''', 'close_twice(f())', [[('try:', 1), ('try:', 1), ('yield 1', 1), ('except GeneratorExit:', 1), ('pass', 1),
                            ('yield 2', 1), ('x = 3', 1)]]),

    'break in a one-line while in finally': ('''
def f(x):
    try:
        x += 1
    finally:
        while x: break
    return x
''', 'run(f, 1)', [[('try:', 1), ('x += 1', 1), ('while x:', 1), ('break', 1), ('return x', 1)]]),

    'break in a one-line while in a loop in finally': ('''
def f(x):
    try:
        x += 1
    finally:
        for i in range(2):
            while x: break
    return x
''', 'run(f, 1)', [[('try:', 1), ('x += 1', 1), ('for i in range(2):', 3), ('while x:', 2), ('break', 2), ('return x', 1)]]),

    'global as a branch\'s only statement, before a loop': ('''
def f(n):
    if n:
        global G1
    global G2
    for i in range(2):
        G2 = i
    return n
''', 'run(f, 1); run(f, 0)', [[('if n:', 1), ('global G1', 1), ('global G2', 1), ('for i in range(2):', 3), ('G2 = i', 2), ('return n', 1)],
                              [('if n:', 1), ('global G1', 0), ('global G2', 1), ('for i in range(2):', 3), ('G2 = i', 2), ('return n', 1)]]),

    'nonlocal first, in a branch, before a loop, after ;': ('''
def f(n):
    t = 0
    def a(q):
        nonlocal t
        t += q
    def b(q):
        if q:
            nonlocal t
        t += q
    def c(q):
        q += 1; nonlocal t
        for j in range(2):
            t += j
    a(n); b(n); c(n)
    return t
''', 'run(f, 0); run(f, 2)',
        [[('t = 0', 1), ('def a(q):', 1), ('nonlocal t', 1), ('t += q', 1), ('def b(q):', 1), ('if q:', 1), ('nonlocal t', 0),
          ('t += q', 1), ('def c(q):', 1), ('q += 1', 1), ('nonlocal t', 1), ('for j in range(2):', 3), ('t += j', 2),
          ('a(n)', 1), ('b(n)', 1), ('c(n)', 1), ('return t', 1)],
         [('t = 0', 1), ('def a(q):', 1), ('nonlocal t', 1), ('t += q', 1), ('def b(q):', 1), ('if q:', 1), ('nonlocal t', 1),
          ('t += q', 1), ('def c(q):', 1), ('q += 1', 1), ('nonlocal t', 1), ('for j in range(2):', 3), ('t += j', 2),
          ('a(n)', 1), ('b(n)', 1), ('c(n)', 1), ('return t', 1)]]),

    'a code-less statement after ; after one that raised': ('''
def f(n):
    try:
        x = 1 // n; pass
    except ZeroDivisionError:
        return 0
    return x
''', 'run(f, 0); run(f, 1)',
        [[('try:', 1), ('x = 1 // n', 1), ('pass', 0), ('except ZeroDivisionError:', 1), ('return 0', 1), ('return x', 0)],
         [('try:', 1), ('x = 1 // n', 1), ('pass', 1), ('except ZeroDivisionError:', 0), ('return 0', 0), ('return x', 1)]]),

    'try: pass; x = 1': ('''
def f():
    try: pass; x = 1
    except ValueError: pass
    return x
''', 'run(f)', [[('try:', 1), ('pass', 1), ('x = 1', 1), ('except ValueError:', 0), ('pass', 0), ('return x', 1)]]),

    'after an if/else whose branches all leave': ('''
def f(n):
    if n:
        return 1
    else:
        raise ValueError(n)
    y = 2
    for i in range(2):
        pass
''', 'run(f, 1); run(f, 0)',
        [[('if n:', 1), ('return 1', 1), ('raise ValueError(n)', 0), ('y = 2', 0), ('for i in range(2):', 0), ('pass', 0)],
         [('if n:', 1), ('return 1', 0), ('raise ValueError(n)', 1), ('y = 2', 0), ('for i in range(2):', 0), ('pass', 0)]]),

    'after a try whose branches all leave': ('''
def f(n):
    try:
        n = 1 // n
        return n
    except ZeroDivisionError:
        raise KeyError(n)
    z = 3
''', 'run(f, 1); run(f, 0)',
        [[('try:', 1), ('n = 1 // n', 1), ('return n', 1), ('except ZeroDivisionError:', 0), ('raise KeyError(n)', 0), ('z = 3', 0)],
         [('try:', 1), ('n = 1 // n', 1), ('return n', 0), ('except ZeroDivisionError:', 1), ('raise KeyError(n)', 1), ('z = 3', 0)]]),

    'whole dead compound statements': ('''
def f():
    return 1
    def g(): pass
    class C: pass
    try: pass
    finally: pass
    with Ctx(): pass
    match 1:
        case 1: pass
    while 0: pass
    if 1: pass
''', 'run(f)', [[('return 1', 1), ('def g():', 0), ('pass', 0), ('class C:', 0), ('pass', 0), ('try:', 0), ('pass', 0),
                 ('pass', 0), ('with Ctx():', 0), ('pass', 0), ('match 1:', 0), ('case 1:', 0), ('pass', 0),
                 ('while 0:', 0), ('pass', 0), ('if 1:', 0), ('pass', 0)]]),

    'after while True: without break': ('''
def f(n):
    while True:
        n += 1
        if n > 2:
            return n
    pass
    n = 0
''', 'run(f, 1)', [[('while True:', 2), ('n += 1', 2), ('if n > 2:', 2), ('return n', 1), ('pass', 0), ('n = 0', 0)]]),

    'constant tests': ('''
def f():
    if True:
        a = 1
    if False:
        b = 2
    else:
        c = 3
    if 0:
        pass
    while 0:
        d = 4
    if __debug__:
        pass
    n = 0
    while True:
        n += 1
        if n > 2:
            break
    return n
''', 'run(f)', [[('if True:', 1), ('a = 1', 1), ('if False:', 1), ('b = 2', 0), ('c = 3', 1), ('if 0:', 1), ('pass', 0),
                 ('while 0:', 1), ('d = 4', 0), ('if __debug__:', 1), ('pass', 1), ('n = 0', 1), ('while True:', 3),
                 ('n += 1', 3), ('if n > 2:', 3), ('break', 1), ('return n', 1)]]),

    'match with a guard': ('''
def f(v):
    match v:
        case 1 | 2 if v > 1:
            pass
        case 3:
            ...
        case _:
            'other'
''', 'run(f, 1); run(f, 2); run(f, 3)',
        [[('match v:', 1), ('case 1 | 2 if v > 1:', 1), ('pass', 0), ('case 3:', 1), ('...', 0), ('case _:', 1), ("'other'", 1)],
         [('match v:', 1), ('case 1 | 2 if v > 1:', 1), ('pass', 1), ('case 3:', 0), ('...', 0), ('case _:', 0), ("'other'", 0)],
         [('match v:', 1), ('case 1 | 2 if v > 1:', 1), ('pass', 0), ('case 3:', 1), ('...', 1), ('case _:', 0), ("'other'", 0)]]),

    'comprehensions and a generator expression': ('''
def f(n):
    a = [i * 2 for i in range(n) if i != 1]
    b = sum(i for i in range(n))
    c = {i: [j for j in range(i)] for i in range(n)}
    return a, b
''', 'run(f, 3)', [[('a = [i * 2 for i in range(n) if i != 1]', 1), ('[i * 2 for i in range(n) if i != 1]', 2),
                    ('b = sum(i for i in range(n))', 1), ('(i for i in range(n))', 3),
                    ('c = {i: [j for j in range(i)] for i in range(n)}', 1), ('{i: [j for j in range(i)] for i in range(n)}', 3),
                    ('[j for j in range(i)]', 3), ('return a, b', 1)]]),

    'with: passing through and suppressing': ('''
def f(n):
    with Swallow():
        x = 1 // n
        y = 2
    with Ctx():
        pass
    return 1
''', 'run(f, 0)', [[('with Swallow():', 1), ('x = 1 // n', 1), ('y = 2', 0), ('with Ctx():', 1), ('pass', 1), ('return 1', 1)]]),

    'try/except/else/finally with code-less bodies': ('''
def f(n):
    try:
        pass
        if n: raise KeyError(n)
    except KeyError:
        ...
    except:
        pass
    else:
        0
    finally:
        'done'
    return n
''', 'run(f, 1); run(f, 0)',
        [[('try:', 1), ('pass', 1), ('if n:', 1), ('raise KeyError(n)', 1), ('except KeyError:', 1), ('...', 1),
          ('except:', 0), ('pass', 0), ('0', 0), ("'done'", 1), ('return n', 1)],
         [('try:', 1), ('pass', 1), ('if n:', 1), ('raise KeyError(n)', 0), ('except KeyError:', 0), ('...', 0),
          ('except:', 0), ('pass', 0), ('0', 1), ("'done'", 1), ('return n', 1)]]),

    'one-line compound statements, loop else': ('''
def f(n):
    for i in range(n): pass
    while n: break
    if n: pass
    for i in range(2):
        if i == n: break
    else:
        pass
    return n
''', 'run(f, 1); run(f, 0)',
        [[('for i in range(n):', 2), ('pass', 1), ('while n:', 1), ('break', 1), ('if n:', 1), ('pass', 1),
          ('for i in range(2):', 2), ('if i == n:', 2), ('break', 1), ('pass', 0), ('return n', 1)],
         [('for i in range(n):', 1), ('pass', 0), ('while n:', 1), ('break', 0), ('if n:', 1), ('pass', 0),
          ('for i in range(2):', 1), ('if i == n:', 1), ('break', 1), ('pass', 0), ('return n', 1)]]),

    'docstrings, strings mid-body, constants': ('''
def f():
    'the docstring: not a statement'
    x = 1
    'a string mid-body'
    ...
    -1
    None
    return x
''', 'run(f)', [[('x = 1', 1), ("'a string mid-body'", 1), ('...', 1), ('-1', 1), ('None', 1), ('return x', 1)]]),

    'nested class and function, recursion: each call its own counts': ('''
def f(n):
    class K:
        'a class docstring'
        a = n
        pass
    def inner():
        'a docstring'
        pass
        return n
    if n > 0:
        f(n - 1)
    return inner()
''', 'run(f, 1)',
        [[('class K:', 1), ("'a class docstring'", 1), ('a = n', 1), ('pass', 1), ('def inner():', 1), ('pass', 1),
          ('return n', 1), ('if n > 0:', 1), ('f(n - 1)', 1), ('return inner()', 1)],
         [('class K:', 1), ("'a class docstring'", 1), ('a = n', 1), ('pass', 1), ('def inner():', 1), ('pass', 1),
          ('return n', 1), ('if n > 0:', 1), ('f(n - 1)', 0), ('return inner()', 1)]]),

    'a generator closed early and thrown into': ('''
def f(n):
    try:
        yield n
        pass
        yield n + 1
    except ValueError:
        ...
    finally:
        pass
''', 'g = f(1); next(g); g.close(); g = f(2); next(g); run(g.throw, ValueError(2))',
        [[('try:', 1), ('yield n', 1), ('pass', 0), ('yield n + 1', 0), ('except ValueError:', 1), ('...', 0), ('pass', 1)],
         [('try:', 1), ('yield n', 1), ('pass', 0), ('yield n + 1', 0), ('except ValueError:', 1), ('...', 1), ('pass', 1)]]),

    'exceptions caught at several depths': ('''
def f(n):
    def g(q):
        if q:
            raise KeyError(q)
            pass
        return q
    try:
        for i in range(2):
            try:
                g(i)
            except ValueError:
                pass
    except KeyError:
        pass
    return n
''', 'run(f, 0)',
        [[('def g(q):', 1), ('if q:', 2), ('raise KeyError(q)', 1), ('pass', 0), ('return q', 1), ('try:', 1),
          ('for i in range(2):', 2), ('try:', 2), ('g(i)', 2), ('except ValueError:', 1), ('pass', 0),
          ('except KeyError:', 1), ('pass', 1), ('return n', 1)]]),

    'a code-less statement after ; before a loop': ('''
def f():
    t = 1; pass
    for i in range(3):
        def g(q):
            q += 1
    return t
''', 'run(f)', [[('t = 1', 1), ('pass', 1), ('for i in range(3):', 4), ('def g(q):', 3), ('q += 1', 0), ('return t', 1)]]),

    'a one-line try with pass, before a loop': ('''
def f(t):
    try: pass; t += 1
    finally: t = 2
    for i in range(3):
        t += i
    return t
''', 'run(f, 1)', [[('try:', 1), ('pass', 1), ('t += 1', 1), ('t = 2', 1), ('for i in range(3):', 4), ('t += i', 3),
                    ('return t', 1)]]),

    'a generator that ignored GeneratorExit: the handler around it': ('''
def f():
    try:
        try:
            yield 1
        except GeneratorExit:
            pass
        yield 2
    except KeyError:
        pass
''', 'close_twice(f())', [[('try:', 1), ('try:', 1), ('yield 1', 1), ('except GeneratorExit:', 1), ('pass', 1),
                            ('yield 2', 1), ('except KeyError:', 1), ('pass', 0)]]),

    'a one-line try with a generator expression, its finally raising, in a loop': ('''
def f(t):
    for i in range(3):
        try: u = sum(j for j in range(t))
        finally:
            raise KeyError(t)
''', 'run(f, 3)', [[('for i in range(3):', 1), ('try:', 1), ('u = sum(j for j in range(t))', 1), ('(j for j in range(t))', 3),
                    ('raise KeyError(t)', 1)]]),

    'after a try whose finally raises': ('''
def f(x):
    try:
        x += 1
    finally:
        raise ValueError(x)
    y = 1
''', 'run(f, 1)', [[('try:', 1), ('x += 1', 1), ('raise ValueError(x)', 1), ('y = 1', 0)]]),

    'a yield after return': ('''
def f(x):
    return x
    yield x
''', 'list(f(1))', [[('return x', 1), ('yield x', 0)]]),

    'a global after a statement that raised': ('''
def f(x):
    y = 1 // x
    global G1
''', 'run(f, 0); run(f, 1)', [[('y = 1 // x', 1), ('global G1', 0)], [('y = 1 // x', 1), ('global G1', 1)]]),

    'pass after ; in a one-line finally after a handler': ('''
def f(x):
    try:
        x = 1 // x
    except ZeroDivisionError:
        x = 1
    finally: y = 1; pass
    return x
''', 'run(f, 0)', [[('try:', 1), ('x = 1 // x', 1), ('except ZeroDivisionError:', 1), ('x = 1', 1), ('y = 1', 1), ('pass', 1),
                    ('return x', 1)]]),

    'a constant after ; before a loop with continue': ('''
def f(t):
    u = [j for j in range(t)]; -1
    for i in range(1):
        continue
''', 'run(f, 2)', [[('u = [j for j in range(t)]', 1), ('[j for j in range(t)]', 2), ('-1', 1), ('for i in range(1):', 2),
                    ('continue', 1)]]),

    'except* handler raising before its end, a later handler': ('''
def f(x):
    try:
        raise ValueError(x)
    except* ValueError:
        for i in range(2):
            x += int('z')
            y = 1
    except* KeyError:
        raise KeyError(x)
''', 'run(f, 1)', [[('try:', 1), ('raise ValueError(x)', 1), ('except* ValueError:', 1), ('for i in range(2):', 1),
                    ("x += int('z')", 1), ('y = 1', 0), ('except* KeyError:', 1), ('raise KeyError(x)', 0)]]),

    'after a loop whose else returns': ('''
def f(x):
    for i in range(2):
        pass
    else:
        return x
    y = 1
''', 'run(f, 1)', [[('for i in range(2):', 3), ('pass', 2), ('return x', 1), ('y = 1', 0)]]),

    'a global at the end of a loop body, after a finally that raised': ('''
def f(t):
    w = 0
    while w < 3:
        w += 1
        try:
            None
        finally:
            t += 1 // (w - 3)
        global G2
''', 'run(f, 1)', [[('w = 0', 1), ('while w < 3:', 3), ('w += 1', 3), ('try:', 3), ('None', 3), ('t += 1 // (w - 3)', 3),
                    ('global G2', 2)]]),

    'after a match whose cases all leave': ('''
def f(x):
    match x:
        case 1:
            raise ValueError(x)
        case _:
            return x
    y = 1
''', 'run(f, 1); run(f, 2)', [[('match x:', 1), ('case 1:', 1), ('raise ValueError(x)', 1), ('case _:', 0), ('return x', 0), ('y = 1', 0)],
                              [('match x:', 1), ('case 1:', 1), ('raise ValueError(x)', 0), ('case _:', 1), ('return x', 1), ('y = 1', 0)]]),

    'pass after ; after a raising dict comprehension in a nested function': ('''
def f(x):
    def g(q):
        if q: u = {j: 6 // (j - q) for j in range(3)}; pass
        return q
    g(x)
''', 'run(f, 1)', [[('def g(q):', 1), ('if q:', 1), ('u = {j: 6 // (j - q) for j in range(3)}', 1),
                    ('{j: 6 // (j - q) for j in range(3)}', 1), ('pass', 0), ('return q', 0), ('g(x)', 1)]]),

    'a generator that ignored GeneratorExit: a bare except catches it at the second close': ('''
def f():
    try:
        try:
            yield 1
        except GeneratorExit:
            pass
        yield 2
    except:
        y = 1
''', 'close_twice(f())', [[('try:', 1), ('try:', 1), ('yield 1', 1), ('except GeneratorExit:', 1), ('pass', 1),
                            ('yield 2', 1), ('except:', 1), ('y = 1', 1)]]),

    'a one-line try with no code after a statement that raised': ('''
def f(x):
    y = 1 // x
    try: None; -1
    except Exception:
        pass
''', 'run(f, 0)', [[('y = 1 // x', 1), ('try:', 0), ('None', 0), ('-1', 0), ('except Exception:', 0), ('pass', 0)]]),
}

def case_src(name):
    body, calls, want = CASES[name]
    return PRELUDE + body, calls, want

def seen(src, want):
    "`want` with what no event of this Python shows (`S.unseen`: a branch of declarations only) at 0, the tracer's count."
    m = S.load(src)
    hidden = [l.pos in S.unseen(ast.parse(src)) for l in func_index(m.f.__code__).lines]
    return [[(k, 0 if h else c) for (k, c), h in zip(w, hidden)] for w in want]

@pytest.mark.parametrize('name', CASES)
def test_oracle(name):
    "The oracle's counts are the hand-derived ones (the oracle is right on every case)."
    src, calls, want = case_src(name)
    per_call, outcome, stray = S.expected_counts(src, 'f', calls)
    m = S.load(src)
    lines = func_index(m.f.__code__).lines
    assert [[(l.key.strip(), c.get(l.pos, 0)) for l in lines] for c in per_call] == want
    assert not stray

@pytest.mark.parametrize('name', CASES)
def test_tracer_unhit(name):
    "The tracer with `incl_unhit=True`: every statement, with the counts of the source's semantics."
    src, calls, want = case_src(name)
    want = seen(src, want)
    m = S.load(src)
    with tracing(m.f, incl_unhit=True) as res:
        S.run_calls(None, m.__dict__, calls)
    lines = func_index(m.f.__code__).lines
    assert [[(l.key.strip(), h) for l, (h, _) in zip(lines, d.values())] for _, d in res] == want
    assert all(list(d) == [l.key for l in lines] for _, d in res)

@pytest.mark.parametrize('name', CASES)
def test_tracer_hit(name):
    "Without `incl_unhit`: the statements that ran, with their counts; dead ones absent."
    src, calls, want = case_src(name)
    want = seen(src, want)
    m = S.load(src)
    with tracing(m.f) as res:
        S.run_calls(None, m.__dict__, calls)
    assert [[(k.strip(), h) for k, (h, _) in d.items()] for _, d in res] == [[(k, c) for k, c in w if c] for w in want]

def branches(c):
    if c:
        global G1
    if c:
        global G2
    else:
        global G3
    try:
        raise ExceptionGroup('eg', [KeyError(c)])
    except* KeyError:
        global G4
    except* ValueError:
        nonlocal_free = 1
    return c

def test_branches_of_declarations_only():
    """A branch made only of `global`/`nonlocal` compiles to nothing, and its jump reports the same event either way:
    before 3.14 nothing tells whether it ran, and it is counted only where certain (never); from 3.14 on, the jump's
    `NOT_TAKEN` does, for a body (an `if` body, an `except*` clause), not for an `else:`."""
    with tracing(branches, incl_unhit=True) as res:
        branches(1); branches(0)
    got = [{k: h for k, (h, _) in d.items()} for _, d in res]
    later = sys.version_info >= (3, 14)
    assert [(d['global G1'], d['global G2'], d['global G3'], d['global G4']) for d in got] == (
        [(1, 1, 0, 1), (0, 0, 0, 1)] if later else [(0, 0, 0, 0), (0, 0, 0, 0)])
    assert [(d['if c:'], d['if c: '], d['except* KeyError:'], d['except* ValueError:']) for d in got] == [(1, 1, 1, 1)] * 2

def test_compare_finds_dead_code():
    "`compare` reports a dead statement that a tracer counts: here with counts made up for a fake tracer."
    src, calls, _ = case_src('after raise (brief a)')
    real = S.traced_counts
    def fake(src, target, calls):
        got, index, out = real(src, target, calls)
        return [{**d, 'y = 2': (1, {})} for d in got], index, out
    S.traced_counts = fake
    try: r = S.compare(src, 'f', calls)
    finally: S.traced_counts = real
    assert [(d.call, d.key, d.expected, d.got) for d in r.diffs] == [(0, 'y = 2', 0, 1)]
    assert r.compared == 3 and r.ncalls == (1, 1) and not r.problems

# --- random programs ---------------------------------------------------------------------------------------------------

QUICK = range(150)
MANY = range(3000)

def test_programs_compile_without_warnings():
    "The generated programs are valid on this Python and warn of nothing (3.14 warns of return/break/continue in finally)."
    for s in (MANY if LONG else QUICK):
        for coded in (False, True):
            with warnings.catch_warnings():
                warnings.simplefilter('error')
                compile(S.program(s, coded), f'program {s}', 'exec')

def test_programs_are_rich():
    "The quick slice holds every kind the oracle is for."
    src = ''.join(S.program(s) for s in QUICK)
    for what in ('    pass', '...', "'a string mid-body'", 'global G', 'nonlocal t', 'except*', 'with Swallow()', 'case ',
                 'while True:', 'if False:', 'while 0:', 'if __debug__:', '; pass', 'finally: ', 'break', 'continue',
                 'class K', 'def inner', 'except GeneratorExit:', 'yield t', 'for j in range', 'target(t % 7, d + 1)'):
        assert what in src, what

def _differences(rng):
    out = []
    for s in rng:
        r = S.compare(S.program(s))
        if r: out.append(f'program {s}: ' + '; '.join(r.problems + [str(d) for d in r.diffs[:3]]))
    return out

def test_random_programs():
    "Random programs rich in code-less and dead statements: the tracer's counts are the oracle's (`--long`: thousands)."
    bad = _differences(MANY if LONG else QUICK)
    assert not bad, f'{len(bad)} programs differ (python tests/source_oracle.py --seeds 0-149 --show 5):\n' + '\n'.join(bad[:20])

def test_oracle_agrees_with_line_events():
    """On programs whose statements all have bytecode and none is dead, the oracle's counts are CPython's LINE events
    (`--long`: 2,000 programs, about 900,000 counts)."""
    n, bad = 0, []
    for s in (range(2000) if LONG else range(60)):
        c, d = S.line_check(S.program(s, coded=True))
        n += c
        if d: bad.append((s, d[:3]))
    assert not bad
    assert n > 10_000
