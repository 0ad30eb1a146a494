"Every statement kind as a traced line: exact hit counts and exact samples (SPEC section 1)."
import asyncio, contextlib, math, os
import pytest
import samples as S
from conftest import trace, only, same, check_invariant, v, rep, cls, fn, bif, NE, line_of, raised

RANGE = 'range'

# --- if / elif / else ------------------------------------------------------------------------------------------

@pytest.mark.parametrize('x,r,elif_', [(7, 'big', False), (3, 'mid', True), (0, 'small', True)])
def test_if_elif_else(x, r, elif_):
    res = trace(S.branch, x)
    assert res.exc is None and res.ret == r
    exp = {'if x > 5:': (1, {'x': v(x)})}
    if elif_: exp['elif x > 2:'] = (1, {'x': v(x)})
    exp[f"r = {r!r}"] = (1, {'r': v(r)})
    exp['return r'] = (1, {'r': v(r)})
    same(only(res), exp)

# --- for / else, while / else, break / continue ------------------------------------------------------------------

def test_for_break_continue():
    res = trace(S.for_else, 6)
    assert res.ret == 2
    same(only(res), {
        't = 0': (1, {'t': v(0)}),
        'for i in range(n):': (4, {'i': v(0, 1, 2, 3), 'range': cls(RANGE, 4), 'n': rep(6, 4)}),
        'if i == 3:': (4, {'i': v(0, 1, 2, 3)}),
        'break': (1, {}),
        'if i % 2:': (3, {'i': v(0, 1, 2)}),
        'continue': (1, {}),
        't += i': (2, {'t': v(0, 2), 'i': v(0, 2)}),
        'return t': (1, {'t': v(2)}),
    })

def test_for_else_runs_without_break():
    res = trace(S.for_else, 2)
    assert res.ret == -1
    same(only(res), {
        't = 0': (1, {'t': v(0)}),
        'for i in range(n):': (3, {'i': v(0, 1, 1), 'range': cls(RANGE, 3), 'n': rep(2, 3)}),
        'if i == 3:': (2, {'i': v(0, 1)}),
        'if i % 2:': (2, {'i': v(0, 1)}),
        'continue': (1, {}),
        't += i': (1, {'t': v(0), 'i': v(0)}),
        't = -1': (1, {'t': v(-1)}),
        'return t': (1, {'t': v(-1)}),
    })

def test_while_else_without_break():
    res = trace(S.while_else, 4)
    assert res.ret == 400
    same(only(res), {
        'i = 0': (1, {'i': v(0)}),
        'while i < n:': (5, {'i': v(0, 1, 2, 3, 4), 'n': rep(4, 5)}),
        'i += 1': (4, {'i': v(1, 2, 3, 4)}),
        'if i == 2:': (4, {'i': v(1, 2, 3, 4)}),
        'continue': (1, {}),
        'if i == 5:': (3, {'i': v(1, 3, 4)}),
        'i = i * 100': (1, {'i': v(400)}),
        'return i': (1, {'i': v(400)}),
    })

def test_while_break_skips_else():
    res = trace(S.while_else, 10)
    assert res.ret == 5
    same(only(res), {
        'i = 0': (1, {'i': v(0)}),
        'while i < n:': (5, {'i': v(0, 1, 2, 3, 4), 'n': rep(10, 5)}),
        'i += 1': (5, {'i': v(1, 2, 3, 4, 5)}),
        'if i == 2:': (5, {'i': v(1, 2, 3, 4, 5)}),
        'continue': (1, {}),
        'if i == 5:': (4, {'i': v(1, 3, 4, 5)}),
        'break': (1, {}),
        'return i': (1, {'i': v(5)}),
    })

# --- match / case ------------------------------------------------------------------------------------------------

PT = cls('samples.Pt')
C1, C2 = 'case Pt(0, yy):', 'case Pt(x=xx, y=0) | Pt(x=xx, y=1) as whole:'
C3, C4 = 'case [1, *others] if len(others) > 1:', "case {'k': k, **rest}:"
C5, C6 = 'case str() | bytes():', 'case _:'

def _match(p):
    res = trace(S.matcher, p)
    assert res.exc is None
    return res.ret, only(res)

def test_match_class_positional():
    ret, d = _match(S.Pt(0, 5))
    assert ret == ('yaxis', 5)
    same(d, {'match p:': (1, {'p': v(S.Pt(0, 5))}),
             C1: (1, {'Pt': PT, 'yy': v(5)}),
             "r = ('yaxis', yy)": (1, {'r': v(('yaxis', 5)), 'yy': v(5)}),
             'return r': (1, {'r': v(('yaxis', 5))})})

def test_match_class_keywords_or_as():
    p = S.Pt(3, 1)
    ret, d = _match(p)
    assert ret == ('low', 3, p)
    same(d, {'match p:': (1, {'p': v(p)}),
             C1: (1, {'Pt': PT, 'yy': [NE]}),
             C2: (1, {'Pt': PT, 'xx': v(3), 'whole': v(p)}),
             "r = ('low', xx, whole)": (1, {'r': v(('low', 3, p)), 'xx': v(3), 'whole': v(p)}),
             'return r': (1, {'r': v(('low', 3, p))})})

def test_match_sequence_with_guard():
    ret, d = _match([1, 2, 3])
    assert ret == [2, 3]
    same(d, {'match p:': (1, {'p': v([1, 2, 3])}),
             C1: (1, {'Pt': PT, 'yy': [NE]}),
             C2: (1, {'Pt': PT, 'xx': [NE], 'whole': [NE]}),
             C3: (1, {'others': v([2, 3]), 'len': bif('len')}),
             'r = others': (1, {'r': v([2, 3]), 'others': v([2, 3])}),
             'return r': (1, {'r': v([2, 3])})})

def test_match_guard_fails_then_wildcard():
    "The sequence pattern matches [1, 2] (binding others) but its guard fails: later cases are tried."
    ret, d = _match([1, 2])
    assert ret == 'other'
    same(d, {'match p:': (1, {'p': v([1, 2])}),
             C1: (1, {'Pt': PT, 'yy': [NE]}),
             C2: (1, {'Pt': PT, 'xx': [NE], 'whole': [NE]}),
             C3: (1, {'others': v([2]), 'len': bif('len')}),
             C4: (1, {'k': [NE], 'rest': [NE]}),
             C5: (1, {'str': cls('str'), 'bytes': cls('bytes')}),
             C6: (1, {}),
             "r = 'other'": (1, {'r': v('other')}),
             'return r': (1, {'r': v('other')})})

def test_match_mapping_rest():
    p = {'k': 5, 'z': 1}
    ret, d = _match(p)
    assert ret == (5, {'z': 1})
    same(d, {'match p:': (1, {'p': v(p)}),
             C1: (1, {'Pt': PT, 'yy': [NE]}),
             C2: (1, {'Pt': PT, 'xx': [NE], 'whole': [NE]}),
             C3: (1, {'others': [NE], 'len': bif('len')}),
             C4: (1, {'k': v(5), 'rest': v({'z': 1})}),
             'r = (k, rest)': (1, {'r': v((5, {'z': 1})), 'k': v(5), 'rest': v({'z': 1})}),
             'return r': (1, {'r': v((5, {'z': 1}))})})

def test_match_class_or_pattern_builtin():
    ret, d = _match('ab')
    assert ret == 'text'
    same(d, {'match p:': (1, {'p': v('ab')}),
             C1: (1, {'Pt': PT, 'yy': [NE]}),
             C2: (1, {'Pt': PT, 'xx': [NE], 'whole': [NE]}),
             C3: (1, {'others': [NE], 'len': bif('len')}),
             C4: (1, {'k': [NE], 'rest': [NE]}),
             C5: (1, {'str': cls('str'), 'bytes': cls('bytes')}),
             "r = 'text'": (1, {'r': v('text')}),
             'return r': (1, {'r': v('text')})})

# --- try ---------------------------------------------------------------------------------------------------------

def test_try_else_finally():
    res = trace(S.try_all, 2)
    assert res.ret == 6
    same(only(res), {'try:': (1, {}),
                     'y = 10 // x': (1, {'y': v(5), 'x': v(2)}),
                     'y += 1': (1, {'y': v(6)}),
                     "z = 'fin'": (1, {'z': v('fin')}),
                     'return y': (1, {'y': v(6)})})

def test_try_first_handler():
    res = trace(S.try_all, 0)
    assert res.ret == -1 and res.exc is None
    same(only(res), {'try:': (1, {}),
                     'y = 10 // x': (1, {'y': [NE], 'x': v(0)}),
                     'except ZeroDivisionError as e:': (1, {'ZeroDivisionError': cls('ZeroDivisionError'),
                                                            'e': v(raised(lambda: 10 // 0))}),
                     'y = -1': (1, {'y': v(-1)}),
                     "z = 'fin'": (1, {'z': v('fin')}),
                     'return y': (1, {'y': v(-1)})})

def test_try_second_handler():
    res = trace(S.try_all, 'a')
    assert res.ret == -2
    same(only(res), {'try:': (1, {}),
                     'y = 10 // x': (1, {'y': [NE], 'x': v('a')}),
                     'except ZeroDivisionError as e:': (1, {'ZeroDivisionError': cls('ZeroDivisionError'), 'e': [NE]}),
                     'except (TypeError, ValueError):': (1, {'TypeError': cls('TypeError'), 'ValueError': cls('ValueError')}),
                     'y = -2': (1, {'y': v(-2)}),
                     "z = 'fin'": (1, {'z': v('fin')}),
                     'return y': (1, {'y': v(-2)})})

@pytest.mark.parametrize('x', [2, 0])
def test_return_inside_try_then_finally(x):
    res = trace(S.try_return, x)
    if x: assert res.ret == 5 and res.exc is None
    else: assert res.ret is None and type(res.exc) is ZeroDivisionError
    same(only(res), {'try:': (1, {}),
                     'return 10 // x': (1, {'x': v(x)}),
                     "x = 'done'": (1, {'x': v('done')})})

def test_try_in_loop_continue_finally():
    res = trace(S.loop_try, [1, 0, 2])
    assert res.ret == 18
    same(only(res), {'out = 0': (1, {'out': v(0)}),
                     'for v in vals:': (4, {'v': v(1, 0, 2, 2), 'vals': rep([1, 0, 2], 4)}),
                     'try:': (3, {}),
                     'out += 10 // v': (3, {'out': v(10, 11, 17), 'v': v(1, 0, 2)}),
                     'except ZeroDivisionError:': (1, {'ZeroDivisionError': cls('ZeroDivisionError')}),
                     'continue': (1, {}),
                     'out += 1': (3, {'out': v(11, 12, 18)}),
                     'return out': (1, {'out': v(18)})})

def test_try_star_exception_group():
    res = trace(S.try_star, 1)
    assert res.ret == ['v', 't']
    same(only(res), {
        'hits = []': (1, {'hits': v([])}),
        'try:': (1, {}),
        "raise ExceptionGroup('g', [ValueError(n), TypeError(n)])": (1, {
            'ExceptionGroup': cls('ExceptionGroup'), 'ValueError': cls('ValueError'), 'n': v(1), 'TypeError': cls('TypeError')}),
        'except* ValueError as eg:': (1, {'ValueError': cls('ValueError'), 'eg': v(ExceptionGroup('g', [ValueError(1)]))}),
        "hits.append('v')": (1, {'hits': v(['v'])}),
        'except* TypeError as tg:': (1, {'TypeError': cls('TypeError'), 'tg': v(ExceptionGroup('g', [TypeError(1)]))}),
        "hits.append('t')": (1, {'hits': v(['v', 't'])}),
        'return hits': (1, {'hits': v(['v', 't'])}),
    })

# --- with --------------------------------------------------------------------------------------------------------

def test_with_and_nested_with():
    "A with statement is entered once: leaving the block (the __exit__ call) is not a second hit."
    res = trace(S.with_nested)
    assert res.ret == 'abc'
    CM = cls('samples.CM')
    same(only(res), {"with CM('a') as a:": (1, {'CM': CM, 'a': v('a')}),
                     "with CM('b') as b, CM('c') as c:": (1, {'CM': CM, 'b': v('b'), 'c': v('c')}),
                     's = a + b + c': (1, {'s': v('abc'), 'a': v('a'), 'b': v('b'), 'c': v('c')}),
                     'return s': (1, {'s': v('abc')})})

def test_with_swallowing_exception():
    res = trace(S.with_swallow)
    assert res.ret == 1 and res.exc is None
    same(only(res), {'with Swallow() as sw:': (1, {'Swallow': cls('samples.Swallow'), 'sw': [('Swallow', 'Swallow()')]}),
                     'd = {}': (1, {'d': v({})}),
                     "d['k']": (1, {'d': v({})}),
                     'return 1': (1, {})})

# --- async -------------------------------------------------------------------------------------------------------

def _async_expected(n):
    vs = list(range(n))
    tots = [sum(vs[:i]) for i in range(n)]
    return {'tot = 0': (1, {'tot': v(0)}),
            'async with ACM() as cm:': (1, {'ACM': cls('samples.ACM'), 'cm': v('A')}),
            'async for v in agen(n):': (n + 1, {'v': v(*vs, vs[-1]), 'agen': fn('agen', n + 1), 'n': rep(n, n + 1)}),
            'tot += v': (n, {'tot': v(*[t + x for t, x in zip(tots, vs)]), 'v': v(*vs)}),
            'await asyncio.sleep(0)': (1, {'asyncio': v(asyncio)}),
            'return tot, cm': (1, {'tot': v(sum(vs)), 'cm': v('A')})}

def test_async_target_run_by_tracefunc():
    "An async fn is run to completion with asyncio.run: async with, async for, await are lines."
    res = trace(S.async_all, 3)
    assert res.exc is None and res.ret == (3, 'A')
    same(only(res), _async_expected(3))

def test_async_tracing_inside_running_loop():
    out, res = asyncio.run(S.async_wrapper(2))
    check_invariant(res)
    assert out == (1, 'A')
    assert len(res) == 1
    stack, d = res[0]
    assert stack == (f"async_wrapper (samples.py:{line_of(S.async_wrapper, 'out = await')})\n"
                     f"async_all (samples.py:{S.async_all.__code__.co_firstlineno})")
    same(d, _async_expected(2))

# --- simple statements -------------------------------------------------------------------------------------------

def test_walrus():
    res = trace(S.walrus, [1, 2, 3])
    assert res.ret == 3
    same(only(res), {'if (n := len(xs)) > 2:': (1, {'n': v(3), 'len': bif('len'), 'xs': v([1, 2, 3])}),
                     'm = n': (1, {'m': v(3), 'n': v(3)}),
                     'return n': (1, {'n': v(3)})})

def test_global_and_nonlocal():
    "`global G` / `nonlocal k` are statements whose names are recorded: execution passes them once each."
    S.G = 0
    res = trace(S.glob_nonlocal)
    assert res.ret == 6 and S.G == 1
    inner = fn('glob_nonlocal.<locals>.inner')
    same(only(res), {'global G': (1, {'G': v(0)}),
                     'G = G + 1': (1, {'G': v(1)}),
                     'def inner():': (1, {'inner': inner}),
                     'nonlocal k': (1, {'k': v(5)}),
                     'k = k + 1': (1, {'k': v(6)}),
                     'return k': (1, {'k': v(6)}),
                     'k = 5': (1, {'k': v(5)}),
                     'inner()': (1, {'inner': inner}),
                     'return k ': (1, {'k': v(6)})})

def test_del_assert_import():
    res = trace(S.misc, {})
    assert res.ret == 2.0
    same(only(res), {'x = [1, 2]': (1, {'x': v([1, 2])}),
                     'del x[0]': (1, {'x': v([2])}),
                     'del d': (1, {'d': [NE]}),
                     "assert x == [2], 'bad'": (1, {'x': v([2])}),
                     'import os.path': (1, {'os': v(os)}),
                     'from math import sqrt as sq, pi': (1, {'sq': bif('sqrt'), 'pi': v(math.pi)}),
                     'return sq(4)': (1, {'sq': bif('sqrt')})})

def test_assert_failing_is_the_exception():
    res = trace(S.assert_fail, -1)
    assert res.ret is None and type(res.exc) is AssertionError and str(res.exc) == 'x=-1'
    same(only(res), {"assert x > 0, f'x={x}'": (1, {'x': v(-1)})})

def test_raise():
    res = trace(S.raiser, 3)
    assert res.ret is None and type(res.exc) is ValueError and res.exc.args == ('bad 3',)
    same(only(res), {'if x:': (1, {'x': v(3)}),
                     "raise ValueError(f'bad {x}')": (1, {'ValueError': cls('ValueError'), 'x': v(3)})})

def test_raise_from_in_handler_sees_the_caught_exception():
    "The raise line's sample is taken when it finishes (raises), before the handler's implicit `del e`."
    res = trace(S.raise_from)
    assert type(res.exc) is ValueError and type(res.exc.__cause__) is ZeroDivisionError
    zde = v(raised(lambda: 1 / 0))
    same(only(res), {'try:': (1, {}),
                     '1 / 0': (1, {}),
                     'except ZeroDivisionError as e:': (1, {'ZeroDivisionError': cls('ZeroDivisionError'), 'e': zde}),
                     "raise ValueError('v') from e": (1, {'ValueError': cls('ValueError'), 'e': zde})})

# --- defs, decorators, classes -----------------------------------------------------------------------------------

def test_decorated_nested_def_and_class_body():
    res = trace(S.decorated_inner)
    assert res.ret == 2
    inner, K = fn('decorated_inner.<locals>.inner'), cls('samples.decorated_inner.<locals>.K')
    same(only(res), {'def inner():': (1, {'inner': inner, 'deco': fn('deco')}),
                     'return 1': (1, {}),
                     'class K:': (1, {'K': K, 'deco': fn('deco')}),
                     'a = 1': (1, {'a': v(1)}),
                     'def m(self):': (1, {'m': fn('decorated_inner.<locals>.K.m')}),
                     'return self.a': (1, {'self': [('K', '<samples.decorated_inner.<locals>.K object>')]}),
                     'return inner() + K().m()': (1, {'inner': inner, 'K': K})})

def test_class_body_statements():
    res = trace(S.class_body)
    assert res.ret == 2
    C = cls('samples.class_body.<locals>.C')
    same(only(res), {'class C:': (1, {'C': C}),
                     'x = 1': (1, {'x': v(1)}),
                     'y = x + 1': (1, {'y': v(2), 'x': v(1)}),
                     'return C.y': (1, {'C': C})})

@pytest.mark.parametrize('a,b', [(1, 2), (3, 1)])
def test_multi_line_statements_and_headers(a, b):
    "A multi-line simple statement is keyed by its full text; a multi-line header by its text up to the colon."
    res = trace(S.multi_line, a, b)
    t0 = 0 if a > b else a + b
    assert res.ret == t0 + a + b
    exp = {'total = (a +\n             b)': (1, {'total': v(a + b), 'a': v(a), 'b': v(b)}),
           'if (a >\n            b):': (1, {'a': v(a), 'b': v(b)})}
    if a > b: exp['total = 0'] = (1, {'total': v(0)})
    exp['for x in (\n        a,\n        b,\n    ):'] = (3, {'x': v(a, b, b), 'a': rep(a, 3), 'b': rep(b, 3)})
    exp['total += x'] = (2, {'total': v(t0 + a, t0 + a + b), 'x': v(a, b)})
    exp['return total'] = (1, {'total': v(t0 + a + b)})
    same(only(res), exp)

def test_multi_line_nested_def_header():
    res = trace(S.nested_multi_def)
    g = fn('nested_multi_def.<locals>.g')
    same(only(res), {'def g(a,\n          b=2):': (1, {'g': g}),
                     'return a + b': (1, {'a': v(1), 'b': v(2)}),
                     'return g(1)': (1, {'g': g})})

# --- several statements on one line, identical statements, no-ops ------------------------------------------------

def test_semicolon_statements_one_line_def():
    "The seed's one_liner: also the one-line-def case (CPython gh-155992 on 3.13)."
    res = trace(S.one_liner)
    assert res.ret == 3
    same(only(res), {'x = 1': (1, {'x': v(1)}),
                     'y = 2': (1, {'y': v(2)}),
                     'return x + y': (1, {'x': v(1), 'y': v(2)})})

def test_nested_one_line_def():
    res = trace(S.one_line_nested)
    f = fn('one_line_nested.<locals>.f')
    assert res.ret == 1
    same(only(res), {'def f():': (1, {'f': f}),
                     'x = 1': (1, {'x': v(1)}),
                     'return x': (1, {'x': v(1)}),
                     'return f()': (1, {'f': f})})

def test_one_line_for_body_pass():
    "`for i in range(n): pass`: the body statement is its own line, entered once per iteration."
    res = trace(S.one_line_for, 3)
    same(only(res), {'for i in range(n):': (4, {'i': v(0, 1, 2, 2), 'range': cls(RANGE, 4), 'n': rep(3, 4)}),
                     'pass': (3, {}),
                     'return n': (1, {'n': v(3)})})

def test_identical_statements_get_distinct_keys():
    res = trace(S.same_text)
    same(only(res), {'x = 1': (1, {'x': v(1)}),
                     'x = 1 ': (1, {'x': v(1)}),
                     'x = 1  ': (1, {'x': v(1)}),
                     'return x': (1, {'x': v(1)})})

def test_pass_ellipsis_docstring():
    "pass and `...` are statements that run; the docstring is never executed."
    res = trace(S.no_ops)
    same(only(res), {'pass': (1, {}),
                     'x = 1': (1, {'x': v(1)}),
                     '...': (1, {}),
                     'return x': (1, {'x': v(1)})})

# --- lambdas -----------------------------------------------------------------------------------------------------

def test_lambda_target_is_its_body():
    res = trace(S.lam, 4)
    assert res.ret == 8
    same(only(res), {'v * 2': (1, {'v': v(4)})})

def test_lambda_with_comprehension_body():
    "The body and the comprehension are two lines with the same text: the second key gets a trailing space."
    res = trace(S.lam_comp, 3)
    assert res.ret == [0, 1, 2]
    same(only(res), {'[i for i in range(n)]': (1, {}),
                     '[i for i in range(n)] ': (3, {'i': v(0, 1, 2), 'range': cls(RANGE, 3), 'n': rep(3, 3)})})

# --- generators --------------------------------------------------------------------------------------------------

def test_generator_one_call_across_resumes():
    res = trace(S.drive_gen, target_func=S.gen)
    assert res.ret == [0, 1, 2]
    assert len(res) == 1
    stack, d = res[0]
    assert stack == (f"drive_gen (samples.py:{line_of(S.drive_gen, 'return list')})\n"
                     f"gen (samples.py:{S.gen.__code__.co_firstlineno})")
    same(d, {'for i in range(n):': (4, {'i': v(0, 1, 2, 2), 'range': cls(RANGE, 4), 'n': rep(3, 4)}),
             'y = yield i': (3, {'y': v(None, None, None), 'i': v(0, 1, 2)}),
             "return 'done'": (1, {})})

def test_generator_send_and_close():
    "The yield line's sample is taken once the value sent in is bound; a closed generator keeps its last sample."
    res = trace(S.drive_counter, target_func=S.counter)
    assert res.ret == (0, 1, 2)
    assert len(res) == 1
    same(res[0][1], {'i = 0': (1, {'i': v(0)}),
                     'while True:': (3, {}),
                     'got = yield i': (3, {'got': v('x', 'y', 'y'), 'i': v(0, 1, 2)}),
                     'i += 1': (2, {'i': v(1, 2)})})

def test_two_interleaved_generators_are_two_calls():
    res = trace(S.two_counters, target_func=S.counter)
    assert res.ret == 1
    st = f"two_counters (samples.py:{line_of(S.two_counters, 'next(g1)')})\ncounter (samples.py:{S.counter.__code__.co_firstlineno})"
    assert [s for s, _ in res] == [st, st]
    same(res[0][1], {'i = 0': (1, {'i': v(0)}),
                     'while True:': (3, {}),
                     'got = yield i': (3, {'got': v(1, 3, 3), 'i': v(0, 1, 2)}),
                     'i += 1': (2, {'i': v(1, 2)})})
    same(res[1][1], {'i = 0': (1, {'i': v(0)}),
                     'while True:': (2, {}),
                     'got = yield i': (2, {'got': v(2, 2), 'i': v(0, 1)}),
                     'i += 1': (1, {'i': v(1)})})

def test_yield_from():
    res = trace(S.drive_yield_from, target_func=S.yield_from)
    assert res.ret == [1]
    assert len(res) == 1
    same(res[0][1], {'r = yield from sub_gen()': (1, {'r': v(2), 'sub_gen': fn('sub_gen')}),
                     'return r': (1, {'r': v(2)})})

def test_one_line_loop_bodies_with_semicolons():
    "Each statement of a one-line loop body is its own line (SPEC 1 and 3)."
    res = trace(S.one_line_bodies, 3)
    assert res.ret == (4, 0)
    same(only(res), {'for i in range(n):': (4, {'i': v(0, 1, 2, 2), 'range': cls(RANGE, 4), 'n': rep(3, 4)}),
                     'a = i': (3, {'a': v(0, 1, 2), 'i': v(0, 1, 2)}),
                     'b = a * 2': (3, {'b': v(0, 2, 4), 'a': v(0, 1, 2)}),
                     'while n:': (4, {'n': v(3, 2, 1, 0)}),
                     'n -= 1': (3, {'n': v(2, 1, 0)}),
                     'c = n': (3, {'c': v(2, 1, 0), 'n': v(2, 1, 0)}),
                     'return b, c': (1, {'b': v(4), 'c': v(0)})})

def test_parenthesized_multi_line_with_header():
    res = trace(S.with_multi_line_header, 'x')
    assert res.ret == 'xy'
    same(only(res), {"with (\n        CM(a) as x,\n        CM('y') as y,\n    ):": (1, {'CM': cls('samples.CM'), 'a': v('x'), 'x': v('x'), 'y': v('y')}),
                     's = x + y': (1, {'s': v('xy'), 'x': v('x'), 'y': v('y')}),
                     'return s': (1, {'s': v('xy')})})

@pytest.mark.parametrize('keep,hits', [('first', [1, 2, 3, 4]), ('last', [10, 11, 12, 13]), ('ends', [1, 2, 12, 13])])
def test_generator_yield_samples_with_keep_policies(keep, hits):
    "Hit h of the yield line yields i = h-1 and binds got = h-1 when resumed; hit 13 is never resumed (closed): got stays 11."
    from tracefunc import tracing
    with tracing(S.counter, max_samples=4, keep=keep) as res: S.drive_counter_long(12)
    check_invariant(res, 4)
    assert len(res) == 1
    body = {'first': [1, 2, 3, 4], 'last': [9, 10, 11, 12], 'ends': [1, 2, 11, 12]}[keep]
    same(res[0][1], {'i = 0': (1, {'i': v(0)}),
                     'while True:': (13, {}),
                     'got = yield i': (13, {'got': v(*[min(h - 1, 11) for h in hits]), 'i': v(*[h - 1 for h in hits])}),
                     'i += 1': (12, {'i': v(*body)})})

def test_lambdas_called_later_do_not_rehit_their_statement():
    "A nested lambda is part of its statement's source, but running it is not entering the statement again."
    res = trace(S.lam_calls, [3, 1, 2])
    assert res.ret == ([3, 2, 1], 5)
    f = fn('lam_calls.<locals>.<lambda>')
    same(only(res), {'ys = sorted(xs, key=lambda t: -t)': (1, {'ys': v([3, 2, 1]), 'sorted': bif('sorted'), 'xs': v([3, 1, 2])}),
                     'f = lambda q: q + 1': (1, {'f': f}),
                     'a = f(1) + f(2)': (1, {'a': v(5), 'f': f}),
                     'return ys, a': (1, {'ys': v([3, 2, 1]), 'a': v(5)})})

def test_nested_function_called_in_loop_accumulates():
    res = trace(S.inner_loop, 3)
    assert res.ret == 5
    sq = fn('inner_loop.<locals>.sq')
    same(only(res), {'def sq(x):': (1, {'sq': sq}),
                     'return x * x': (3, {'x': v(0, 1, 2)}),
                     'tot = 0': (1, {'tot': v(0)}),
                     'for i in range(n):': (4, {'i': v(0, 1, 2, 2), 'range': cls(RANGE, 4), 'n': rep(3, 4)}),
                     'tot += sq(i)': (3, {'tot': v(0, 1, 5), 'sq': sq * 3, 'i': v(0, 1, 2)}),
                     'return tot': (1, {'tot': v(5)})})

def test_comprehension_in_nested_class_body():
    res = trace(S.class_comp)
    assert res.ret == 3
    C = cls('samples.class_comp.<locals>.C')
    same(only(res), {'class C:': (1, {'C': C}),
                     'xs = [i * 2 for i in range(3)]': (1, {'xs': v([0, 2, 4])}),
                     '[i * 2 for i in range(3)]': (3, {'i': v(0, 1, 2), 'range': cls(RANGE, 3)}),
                     'n = len(xs)': (1, {'n': v(3), 'len': bif('len'), 'xs': v([0, 2, 4])}),
                     'return C.n': (1, {'C': C})})

def test_async_generator_target_one_call():
    res = trace(S.async_all, 3, target_func=S.agen)
    assert res.exc is None and res.ret == (3, 'A')
    assert len(res) == 1
    stack, d = res[0]
    assert stack == (f"async_all (samples.py:{line_of(S.async_all, 'async for v in agen')})\n"
                     f"agen (samples.py:{S.agen.__code__.co_firstlineno})")
    same(d, {'for i in range(n):': (4, {'i': v(0, 1, 2, 2), 'range': cls(RANGE, 4), 'n': rep(3, 4)}),
             'await asyncio.sleep(0)': (3, {'asyncio': v(asyncio) * 3}),
             'yield i': (3, {'i': v(0, 1, 2)})})

def test_async_with_tracing_block():
    out, res = asyncio.run(S.async_wrapper_awith(2))
    check_invariant(res)
    assert out == [0, 1] and len(res) == 1
    stack, d = res[0]
    assert stack == (f"async_wrapper_awith (samples.py:{line_of(S.async_wrapper_awith, 'out = [x async for')})\n"
                     f"agen (samples.py:{S.agen.__code__.co_firstlineno})")
    same(d, {'for i in range(n):': (3, {'i': v(0, 1, 1), 'range': cls(RANGE, 3), 'n': rep(2, 3)}),
             'await asyncio.sleep(0)': (2, {'asyncio': v(asyncio) * 2}),
             'yield i': (2, {'i': v(0, 1)})})

def test_incl_unhit_match_cases():
    p = S.Pt(0, 5)
    res = trace(S.matcher, p, incl_unhit=True)
    same(only(res), {'match p:': (1, {'p': v(p)}),
                     C1: (1, {'Pt': PT, 'yy': v(5)}),
                     "r = ('yaxis', yy)": (1, {'r': v(('yaxis', 5)), 'yy': v(5)}),
                     C2: (0, {'Pt': [], 'xx': [], 'whole': []}),
                     "r = ('low', xx, whole)": (0, {'r': [], 'xx': [], 'whole': []}),
                     C3: (0, {'others': [], 'len': []}),
                     'r = others': (0, {'r': [], 'others': []}),
                     C4: (0, {'k': [], 'rest': []}),
                     'r = (k, rest)': (0, {'r': [], 'k': [], 'rest': []}),
                     C5: (0, {'str': [], 'bytes': []}),
                     "r = 'text'": (0, {'r': []}),
                     C6: (0, {}),
                     "r = 'other'": (0, {'r': []}),
                     'return r': (1, {'r': v(('yaxis', 5))})})

def test_source_text_oddities():
    "Non-ASCII text (byte vs character columns), backslash continuations, comments inside statements and after a header's colon, decorator with arguments."
    res = trace(S.source_oddities, 1, 2)
    assert res.ret == ('éé', 2, 4, 'T')
    inner = fn('source_oddities.<locals>.inner')
    same(only(res), {"ü = 'é'": (1, {'ü': v('é')}),
                     'w = ü * 2': (1, {'w': v('éé'), 'ü': v('é')}),
                     'x = 1 + \\\n        a': (1, {'x': v(2), 'a': v(1)}),
                     'total = (a +  # first\n             b)': (1, {'total': v(3), 'a': v(1), 'b': v(2)}),
                     'if x > 0:': (1, {'x': v(2)}),
                     "total += [c + 'é' for c in 'ab'].count('bé')": (1, {'total': v(4)}),
                     "[c + 'é' for c in 'ab']": (2, {'c': v('a', 'b')}),
                     'def inner():': (1, {'inner': inner, 'deco_factory': fn('deco_factory')}),
                     'return inner.tag': (1, {'inner': inner}),
                     'return w, x, total, inner()': (1, {'w': v('éé'), 'x': v(2), 'total': v(4), 'inner': inner})})

def test_bodies_with_no_bytecode_count_their_lines_once_per_call():
    "No line of these bodies has an instruction: they are counted on the implicit return (a docstring is no line)."
    same(only(trace(S.only_pass)), {'pass': (1, {})})
    same(only(trace(S.only_ellipsis, 3)), {'...': (1, {})})
    same(only(trace(S.async_pass)), {'pass': (1, {})})
    same(only(trace(S.global_then_pass)), {'global _unset': (1, {'_unset': [('NameError', '<unavailable>')]}),
                                          'pass': (1, {})})
    res = trace(S.only_docstring)
    assert res.exc is None and len(res) == 1 and res[0][1] == {}
    res = trace(lambda: [S.only_pass() for _ in range(3)], target_func=S.only_pass)
    assert [d for _, d in res] == [{'pass': (1, {})}] * 3

# --- constructs a review against the SPEC found miscounted or missampled --------------------------------------------

def calls_inlined_by_314(xs):
    a = tuple(x for x in xs)
    b = any(x > 1 for x in xs)
    for y in list(x for x in xs):
        pass
    def later(): return 1
    return a, b

def test_builtin_calls_of_a_generator_expression_count_their_statement_once():
    "3.14+ compiles `any/all/tuple(genexp)` (3.15: `list`, `set` too) into a loop of the caller: no loop head there."
    res = trace(calls_inlined_by_314, [1, 2, 3])
    assert res.ret == ((1, 2, 3), True)
    hits = {k: h for k, (h, _) in only(res).items()}
    assert hits == {'a = tuple(x for x in xs)': 1, '(x for x in xs)': 3, 'b = any(x > 1 for x in xs)': 1,
                    '(x > 1 for x in xs)': 2, 'for y in list(x for x in xs):': 4, '(x for x in xs) ': 3, 'pass': 3,
                    'def later():': 1, 'return a, b': 1}, hits
    assert only(res)['a = tuple(x for x in xs)'][1]['a'] == v((1, 2, 3))

def class_reads_enclosing(n):
    class K:
        a = n
        vals = [i + n for i in range(2)]
    return K.a, K.vals

def test_class_body_samples_the_enclosing_functions_names():
    res = trace(class_reads_enclosing, 5)
    assert res.ret == (5, [5, 6])
    d = only(res)
    assert d['a = n'] == (1, {'a': v(5), 'n': v(5)})
    assert d['[i + n for i in range(2)]'][1]['n'] == v(5, 5)

def handler_last_line(xs):
    out = []
    for x in xs:
        try:
            if x: raise KeyError(x)
        except KeyError as e:
            out.append(e)
    return len(out)

def test_a_handlers_last_line_is_sampled_before_its_name_is_unbound():
    res = trace(handler_last_line, [1, 0, 2])
    assert res.ret == 2
    assert only(res)['out.append(e)'] == (2, {'out': v([KeyError(1)], [KeyError(1), KeyError(2)]), 'e': v(KeyError(1), KeyError(2))})

two_lambdas = [lambda: 1, lambda: 2]

def test_the_second_of_two_lambdas_on_a_line():
    "3.12 gives a lambda that returns a constant no column: its constants tell it from its neighbour."
    assert only(trace(two_lambdas[1])) == {'2': (1, {})}
    assert only(trace(two_lambdas[0])) == {'1': (1, {})}

def one_line_bodies(c):
    with contextlib.nullcontext(): pass
    try: pass
    except Exception: pass
    if c: x = 1; pass
    while c: c = 0; pass
    with contextlib.nullcontext():
        x = 1
    try: x = 2
    except Exception: pass
    return x

def test_code_less_statements_sharing_a_line_with_code():
    "A `pass` that shares its line with code has no instruction: counted with the statement before it in its block, or with the `with`/`try` that enters it."
    res = trace(one_line_bodies, 1, incl_unhit=True)
    hits = [(k.rstrip(), h) for k, (h, _) in only(res).items()]
    assert hits == [('with contextlib.nullcontext():', 1), ('pass', 1), ('try:', 1), ('pass', 1),
                    ('except Exception:', 0), ('pass', 0), ('if c:', 1), ('x = 1', 1), ('pass', 1),
                    ('while c:', 2), ('c = 0', 1), ('pass', 1), ('with contextlib.nullcontext():', 1), ('x = 1', 1),
                    ('try:', 1), ('x = 2', 1), ('except Exception:', 0), ('pass', 0), ('return x', 1)], hits
