"Comprehensions and generator expressions as lines of their own: hit once per produced element (SPEC section 1)."
import pytest
import samples as S
from conftest import trace, only, same, check_invariant, v, rep, cls, fn, bif, NE
from tracefunc import tracefunc, tracing

R = lambda n: cls('range', n)

def test_list_comp_with_filter():
    "A filtered-out element is not produced: the comprehension line is hit once per element it yields."
    res = trace(S.c_list, 5)
    assert res.ret == [0, 4, 8]
    same(only(res), {'xs = [i * 2 for i in range(n) if i % 2 == 0]': (1, {'xs': v([0, 4, 8])}),
                     '[i * 2 for i in range(n) if i % 2 == 0]': (3, {'i': v(0, 2, 4), 'range': R(3), 'n': rep(5, 3)}),
                     'return xs': (1, {'xs': v([0, 4, 8])})})

def test_set_comp():
    "A set comprehension produces (adds) once per iteration, even when the value is already in the set."
    res = trace(S.c_set, 4)
    assert res.ret == {0, 1, 2}
    same(only(res), {'s = {i % 3 for i in range(n)}': (1, {'s': v({0, 1, 2})}),
                     '{i % 3 for i in range(n)}': (4, {'i': v(0, 1, 2, 3), 'range': R(4), 'n': rep(4, 4)}),
                     'return s': (1, {'s': v({0, 1, 2})})})

def test_dict_comp_with_filter():
    res = trace(S.c_dict, 4)
    d = {0: 0, 2: 4, 3: 9}
    assert res.ret == d
    same(only(res), {'d = {k: k * k for k in range(n) if k != 1}': (1, {'d': v(d)}),
                     '{k: k * k for k in range(n) if k != 1}': (3, {'k': v(0, 2, 3), 'range': R(3), 'n': rep(4, 3)}),
                     'return d': (1, {'d': v(d)})})

def test_generator_expressions_keyed_in_parentheses():
    "`sum(i for i in ...)` has no parentheses of its own in the source: its key gets them."
    res = trace(S.c_gen, 3)
    assert res.ret == (3, [1, 2, 3])
    g = [('generator', '<generator object c_gen.<locals>.<genexpr>>')]
    same(only(res), {'t = sum(i for i in range(n))': (1, {'t': v(3), 'sum': bif('sum')}),
                     '(i for i in range(n))': (3, {'i': v(0, 1, 2), 'range': R(3), 'n': rep(3, 3)}),
                     'g = (j + 1 for j in range(n))': (1, {'g': g}),
                     '(j + 1 for j in range(n))': (3, {'j': v(0, 1, 2), 'range': R(3), 'n': rep(3, 3)}),
                     'return t, list(g)': (1, {'t': v(3), 'list': cls('list'), 'g': g})})

def test_nested_comprehensions_are_two_lines():
    "The outer comprehension is produced m times, the inner one 2*m times; neither lists the other's names."
    res = trace(S.c_nested, 2)
    assert res.ret == [[0, 0], [0, 1]]
    same(only(res), {'rows = [[r * c for c in range(2)] for r in range(m)]': (1, {'rows': v([[0, 0], [0, 1]])}),
                     '[[r * c for c in range(2)] for r in range(m)]': (2, {'r': v(0, 1), 'range': R(2), 'm': rep(2, 2)}),
                     '[r * c for c in range(2)]': (4, {'r': v(0, 0, 1, 1), 'c': v(0, 1, 0, 1), 'range': R(4)}),
                     'return rows': (1, {'rows': v([[0, 0], [0, 1]])})})

def test_comprehension_in_for_header():
    "The loop header lists only its own names (v), not the comprehension's (i, range, n)."
    res = trace(S.c_for_header, 3)
    assert res.ret == [1, 2, 3]
    same(only(res), {'out = []': (1, {'out': v([])}),
                     'for v in [i + 1 for i in range(n)]:': (4, {'v': v(1, 2, 3, 3)}),
                     '[i + 1 for i in range(n)]': (3, {'i': v(0, 1, 2), 'range': R(3), 'n': rep(3, 3)}),
                     'out.append(v)': (3, {'out': v([1], [1, 2], [1, 2, 3]), 'v': v(1, 2, 3)}),
                     'return out': (1, {'out': v([1, 2, 3])})})

def test_genexp_in_while_header_per_check():
    "The genexp runs on every check of the loop: k=0 yields nothing, then 1, 2, 3 elements."
    res = trace(S.c_while_header, 3)
    assert res.ret == 3
    same(only(res), {'k = 0': (1, {'k': v(0)}),
                     'while sum(x for x in range(k)) < n:': (4, {'sum': bif('sum', 4), 'n': rep(3, 4)}),
                     '(x for x in range(k))': (6, {'x': v(0, 0, 1, 0, 1, 2), 'range': R(6), 'k': v(1, 2, 2, 3, 3, 3)}),
                     'k += 1': (3, {'k': v(1, 2, 3)}),
                     'return k': (1, {'k': v(3)})})

def test_two_for_clauses():
    res = trace(S.c_two_fors, 3)
    ps = [(1, 0), (2, 0), (2, 1)]
    assert res.ret == ps
    same(only(res), {'ps = [(a, b) for a in range(n) for b in range(a)]': (1, {'ps': v(ps)}),
                     '[(a, b) for a in range(n) for b in range(a)]': (3, {'a': v(1, 2, 2), 'b': v(0, 0, 1), 'range': R(3), 'n': rep(3, 3)}),
                     'return ps': (1, {'ps': v(ps)})})

def test_comprehension_inside_nested_lambda():
    res = trace(S.c_in_lambda)
    f = [('function', '<function c_in_lambda.<locals>.<lambda>>')]
    assert res.ret == [10, 11]
    same(only(res), {'f = lambda q: [q + z for z in range(2)]': (1, {'f': f}),
                     '[q + z for z in range(2)]': (2, {'q': v(10, 10), 'z': v(0, 1), 'range': R(2)}),
                     'return f(10)': (1, {'f': f})})

def test_walrus_in_comprehension_filter():
    "y is bound in the function by the walrus, but it is written inside the comprehension: only the comprehension lists it."
    res = trace(S.c_walrus, [1, 2, 3])
    assert res.ret == ([4, 6], 6)
    same(only(res), {'out = [y for x in data if (y := x * 2) > 2]': (1, {'out': v([4, 6])}),
                     '[y for x in data if (y := x * 2) > 2]': (2, {'y': v(4, 6), 'x': v(2, 3), 'data': rep([1, 2, 3], 2)}),
                     'return out, y': (1, {'out': v([4, 6]), 'y': v(6)})})

def test_statement_does_not_list_comprehension_names():
    res = trace(S.c_outer_names, [1, 2], 3)
    assert res.ret == 9
    same(only(res), {'total = sum([v * k for v in vals])': (1, {'total': v(9), 'sum': bif('sum')}),
                     '[v * k for v in vals]': (2, {'v': v(1, 2), 'k': rep(3, 2), 'vals': rep([1, 2], 2)}),
                     'return total': (1, {'total': v(9)})})

def test_async_comprehension():
    res = trace(S.c_async, 3)
    assert res.exc is None and res.ret == [0, 10, 20]
    same(only(res), {'xs = [v * 10 async for v in agen(n)]': (1, {'xs': v([0, 10, 20])}),
                     '[v * 10 async for v in agen(n)]': (3, {'v': v(0, 1, 2), 'agen': fn('agen', 3), 'n': rep(3, 3)}),
                     'return xs': (1, {'xs': v([0, 10, 20])})})

def test_comprehension_raising_midway():
    "Two elements are produced before 10 // 0 raises; the assignment never binds r."
    res = trace(S.c_raise, [5, 2, 0, 1])
    assert res.ret is None and type(res.exc) is ZeroDivisionError
    same(only(res), {'r = [10 // v for v in vals]': (1, {'r': [NE]}),
                     '[10 // v for v in vals]': (2, {'v': v(5, 2), 'vals': rep([5, 2, 0, 1], 2)})})

def test_empty_comprehension_is_unhit():
    res = trace(S.c_empty, 0)
    same(only(res), {'e = [i for i in range(n)]': (1, {'e': v([])}),
                     'return e': (1, {'e': v([])})})
    res = trace(S.c_empty, 0, incl_unhit=True)
    same(only(res), {'e = [i for i in range(n)]': (1, {'e': v([])}),
                     '[i for i in range(n)]': (0, {'i': [], 'range': [], 'n': []}),
                     'return e': (1, {'e': v([])})})

def test_comprehension_samples_first_ten():
    res = trace(S.c_many, 15)
    assert res.ret == 15
    same(only(res), {'s = [i for i in range(n)]': (1, {'s': v(list(range(15)))}),
                     '[i for i in range(n)]': (15, {'i': v(*range(10)), 'range': R(10), 'n': rep(15, 10)}),
                     'return len(s)': (1, {'len': bif('len'), 's': v(list(range(15)))})})

@pytest.mark.parametrize('keep,idx', [('last', [12, 13, 14]), ('ends', [0, 1, 13, 14])])
def test_comprehension_keep_policies(keep, idx):
    with tracing(S.c_many, max_samples=len(idx), keep=keep) as res: S.c_many(15)
    check_invariant(res, len(idx))
    assert len(res) == 1
    same(res[0][1], {'s = [i for i in range(n)]': (1, {'s': v(list(range(15)))}),
                     '[i for i in range(n)]': (15, {'i': v(*idx), 'range': R(len(idx)), 'n': rep(15, len(idx))}),
                     'return len(s)': (1, {'len': bif('len'), 's': v(list(range(15)))})})

def test_genexp_consumed_after_target_returned():
    "The genexp belongs to make_gen's call even though it runs after make_gen returned (consumed by the caller)."
    res = trace(S.use_make_gen, target_func=S.make_gen)
    assert res.ret == [0, 2, 4]
    assert len(res) == 1
    same(res[0][1], {'return (i * 2 for i in range(n))': (1, {}),
                     '(i * 2 for i in range(n))': (3, {'i': v(0, 1, 2), 'range': R(3), 'n': rep(3, 3)})})

def test_comprehension_in_nested_function():
    res = trace(S.c_nested_func, 3)
    inner = fn('c_nested_func.<locals>.inner')
    assert res.ret == {0: 0, 1: -1, 2: -2}
    same(only(res), {'def inner(m):': (1, {'inner': inner}),
                     'return {i: -i for i in range(m)}': (1, {}),
                     '{i: -i for i in range(m)}': (3, {'i': v(0, 1, 2), 'range': R(3), 'm': rep(3, 3)}),
                     'return inner(n)': (1, {'inner': inner, 'n': v(3)})})


def test_generator_started_before_tracing_is_not_counted():
    "A generator of the target's code that was started before the session is not part of any recorded call."
    old = S.make_squares(5); next(old)     # started and suspended before tracing
    with tracing(S.make_squares) as res:
        new = S.make_squares(3)
        assert list(zip(new, old)) == [(0, 1), (1, 4), (4, 9)]
    (_, d), = res
    check_invariant(res)
    assert d['(i * i for i in range(n))'][0] == 3
    assert d['(i * i for i in range(n))'][1]['i'] == [('int', '0'), ('int', '1'), ('int', '2')]

def test_two_generator_expressions_consumed_in_turn():
    "Two live generators of one call, consumed alternately by zip: each counts its own elements."
    res = tracefunc(S.two_genexps_zipped, 3)
    (_, d), = res
    check_invariant(res)
    assert d['(i for i in range(n))'] == (3, {'i': [('int', '0'), ('int', '1'), ('int', '2')], 'range': [('type', "<class 'range'>")] * 3, 'n': [('int', '3')] * 3})
    assert d['(j * 10 for j in range(n))'] == (3, {'j': [('int', '0'), ('int', '1'), ('int', '2')], 'range': [('type', "<class 'range'>")] * 3, 'n': [('int', '3')] * 3})

def lend_inner(xs):
    def inner(ys):
        g = (y * 2 for y in ys)
        next(g)
        return g
    g = inner(xs)
    return list(g)

def test_genexp_of_nested_function_runs_on_after_it_returned():
    "A generator expression started in a nested function reads its first iterable as that function left it, after it returned."
    res = tracefunc(lend_inner, [1, 2, 3])
    assert res.ret == [4, 6]
    assert only(res)['(y * 2 for y in ys)'] == (3, {'y': v(1, 2, 3), 'ys': rep([1, 2, 3], 3)})

def started_elsewhere(rows):
    def total(it, start=0):
        for x in it:
            start += x
        return start
    return total(len(r) for r in rows)

def test_genexp_started_by_another_function_of_the_target_reads_where_it_was_made():
    "A generator expression iterated by a nested function reads its first iterable in the frame that made it, not the consumer's."
    res = tracefunc(started_elsewhere, [[1], [2, 3]])
    assert res.ret == 3
    assert only(res)['(len(r) for r in rows)'] == (2, {'len': bif('len', 2), 'r': v([1], [2, 3]), 'rows': rep([[1], [2, 3]], 2)})
