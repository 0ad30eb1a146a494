"Loops, chains of straight-line code and exceptions raised where lines run unreported: samples for tests/test_quiet.py."
import sys
class It:
    def __init__(s, n, bad=None): s.n, s.i, s.bad = n, 0, bad
    def __iter__(s): return s
    def __next__(s):
        s.i += 1
        if s.i == s.bad: raise KeyError(s.i)
        if s.i > s.n: raise StopIteration
        return s.i
def l1(n):
    t = 0
    for i in range(n):
        if i % 3:
            t += i
        else:
            t -= 1
    return t
def l2(n, bad):
    t = 0
    for i in It(n, bad):
        t += i
    return t
def l3(n, bad):
    t = 0
    try:
        for i in It(n, bad):
            t += i
    except KeyError:
        t = -t
    return t
def l4(pairs):
    out = []
    for a, b in pairs:
        out.append(a + b)
    return out
def l5(pairs):
    out = []
    try:
        for a, b in pairs:
            out.append(a + b)
    except ValueError as e:
        out.append(str(e))
    finally:
        out.append('f')
    return out
def l6(n):
    t = 0
    for i in range(n):
        if i % 2:
            continue
        if i > 7:
            break
        t += i
    else:
        t = -1
    return t
def l7(n):
    for i in range(n): t = i
    return n
def l8(m):
    t = 0
    for row in m:
        for x in row:
            t += x
    return t
def g1(n, bad):
    for i in It(n, bad):
        y = yield i
def g1r(n, bad):
    out = []
    try:
        for v in g1(n, bad): out.append(v)
    except KeyError: out.append('k')
    return out
async def a1(n):
    t = 0
    for i in range(n):
        t += i
        if i % 3 == 0:
            import asyncio; await asyncio.sleep(0)
    return t
def l9(xs):
    t = 0
    for x in xs:
        if x:
            t += 1
    return t
def l10(pairs):
    with open(__file__) as f:
        for a, b in pairs:
            x = a
    return 1
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)
def rec(n):
    t = 0
    for i in range(n):
        t += i
    if n > 0:
        t += rec(n - 1)
    return t
def outer(n):
    def inner(k):
        s = 0
        for j in range(k):
            s += j
        return s
    t = 0
    for i in range(n):
        t += inner(i)
    return t
def l11(n):
    t = 0
    for i in range(n):
        if i % 7 == 0:
            t -= 1
        elif i % 7 == 3:
            continue
        t += i
    return t
def l12(n):
    xs = [(i, i * 2) for i in range(n)] + [None]
    t = 0
    for a, b in xs:
        t += a + b
    return t
def l13(n, bad):
    def g():
        for i in It(n, bad):
            yield i * 2
    t = 0
    try:
        for v in g():
            t += v
    except KeyError:
        t = -1
    return t
def driver(n):
    return sum(outer(k) for k in range(n))
def deep(n):
    if n == 0:
        raise ValueError('bottom')
    try:
        return deep(n - 1)
    except ValueError:
        if n % 5:
            raise
        return n
def walk(node):
    total = node[0]
    for child in node[1]:
        total += walk(child)
    return total
def tree(depth, width=3):
    return (depth, [tree(depth - 1, width) for _ in range(width)] if depth else [])
import threading
ready, done, pause, leaves = threading.Event(), threading.Event(), threading.Event(), [0]
def rec2(n):
    if n == 0:
        leaves[0] += 1
        if leaves[0] == 2 and pause.is_set() and threading.current_thread() is threading.main_thread():
            ready.set(); done.wait(10)   # an unrecorded call lets the other thread call rec2 meanwhile
        return 0
    t = n + rec2(n - 1)
    for i in range(3):
        t += i
    return t + rec2(n - 1)
def other_thread():
    ready.wait(10); rec2(3); done.set()
def tail_loop(xs):
    total = 0
    for x in xs:
        total += x
def ret_in_try(xs):
    out = 0
    for x in xs:
        out += 1
    try:
        return 10 // x
    finally:
        x = 'done'
def early_return(xs):
    for x in xs:
        if x > 50:
            return x
        y = x
    return -1
def tail_if(n):
    t = 0
    for i in range(n):
        t += i
    if t > 10**9:
        return t
