"""Describing values and reading them (issue 17, part 3): reading a frame's names never crashes the interpreter
(CPython gh-128396 on 3.13.0-3.13.2), describing calls no more of the program's code than `repr` (and none with
`reprs='builtin'`), costs O(width) for every built-in value, and the recursion limit stops tracing cleanly."""
import collections, functools, json, re, subprocess, sys, textwrap, traceback, types
import pytest
import tracefunc.values as tv, tracefunc.handlers as th
from tracefunc import tracing
from tracefunc.values import describe, brepr
from tracefunc.handlers import rebound_cells
from tracefunc.places import HEADROOM, TOO_DEEP
from conftest import check_invariant

def run_py(code, tmp_path):
    "Run `code` as a script in a fresh interpreter (a crash must fail the test, not the test run); its stdout, as JSON."
    script = tmp_path/'script.py'
    script.write_text(textwrap.dedent(code))
    p = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, f'exit status {p.returncode}\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}'
    return json.loads(p.stdout)

# --- 1. reading a frame's names while an inlined comprehension rebinds a cell variable

def test_rebound_cell_sampled_without_crash(tmp_path):
    "The finding: 3.13.0 crashed here (a segfault, PEP 667's proxy read a comprehension's int as a cell)."
    got = run_py('''
        import json
        from tracefunc import tracing
        def f(xs):
            for base in xs:
                any(base for b in xs)
            return [0 for base in xs]
        with tracing(f) as res: f([1, 2])
        print(json.dumps(res[0][1]))''', tmp_path)
    assert got['[0 for base in xs]'] == [2, {'base': [['int', '1'], ['int', '2']], 'xs': [['list', '[1, 2]']] * 2}]
    assert got['for base in xs:'][1]['base'] == [['int', '1'], ['int', '2'], ['int', '2']]
    assert got['(base for b in xs)'][1]['base'] == [['int', '1'], ['int', '2']]

def test_rebound_cells_values_not_cells(tmp_path):
    "Before, during and after such a comprehension, every version samples the values the program sees."
    got = run_py('''
        import json
        from tracefunc import tracing
        def g(xss):
            a = 'before'
            r = [len(a) for a in xss]
            b = [(lambda: a, a)[1] for a in xss]
            a = 'after'
            return lambda: a
        with tracing(g) as res: g([[1], [2, 3]])
        print(json.dumps(res[0][1]))''', tmp_path)
    assert got["a = 'before'"][1]['a'] == [['str', "'before'"]]
    assert got['[len(a) for a in xss]'][1]['a'] == [['list', '[1]'], ['list', '[2, 3]']]
    assert got['[(lambda: a, a)[1] for a in xss]'][1]['a'] == [['list', '[1]'], ['list', '[2, 3]']]
    assert got["a = 'after'"][1]['a'] == [['str', "'after'"]]

def test_rebound_cells():
    def f(xs):
        for base in xs: any(base for b in xs)
        return [0 for base in xs], [y for y in xs]
    def plain(xs): return [x for x in xs]
    assert rebound_cells(f.__code__) == {'base'}
    assert rebound_cells(plain.__code__) == frozenset()

def test_crash_window_versions():
    "The affected releases, from CPython's changelog (gh-128396 is fixed in 3.13.3)."
    v = sys.version_info
    assert th.CELL_PROXY_CRASHES == ((3, 13) <= v < (3, 13, 3) or (3, 14, 0, 'alpha') <= v < (3, 14, 0, 'alpha', 6))

# --- 2. what describing calls: the object's own __repr__, or (reprs='builtin') nothing of the program's

class Spy:
    "Every call of a special method or attribute lookup is logged."
    log = []
    def __init__(self, name='spy'): self.name = name
    def __repr__(self): Spy.log.append('__repr__'); return f'Spy({self.name})'
    def __len__(self): Spy.log.append('__len__'); return 1
    def __eq__(self, o): Spy.log.append('__eq__'); return False
    def __hash__(self): Spy.log.append('__hash__'); return 1
    def __getattr__(self, a): Spy.log.append(f'__getattr__ {a}'); raise AttributeError(a)
    @property
    def prop(self): Spy.log.append('prop'); return 1

@pytest.fixture(autouse=True)
def clear_log(): Spy.log.clear()

class NoisyList(list):
    def __iter__(self): raise AssertionError('__iter__ called')
    def __len__(self): raise AssertionError('__len__ called')
    def __getitem__(self, i): raise AssertionError('__getitem__ called')
    def __bool__(self): raise AssertionError('__bool__ called')

class NoisyDict(dict):
    def items(self): raise AssertionError('items called')
    def keys(self): raise AssertionError('keys called')
    def __iter__(self): raise AssertionError('__iter__ called')
    def __len__(self): raise AssertionError('__len__ called')
    def __getitem__(self, k): raise AssertionError('__getitem__ called')

class NoisyStr(str):
    def __getitem__(self, i): raise AssertionError('__getitem__ called')
    def __len__(self): raise AssertionError('__len__ called')
    def __contains__(self, s): raise AssertionError('__contains__ called')
    def __hash__(self): raise AssertionError('__hash__ called')

class NoisyTuple(tuple):
    def __iter__(self): raise AssertionError('__iter__ called')
    def __len__(self): raise AssertionError('__len__ called')

class NoisySet(set):
    def __iter__(self): raise AssertionError('__iter__ called')
    def __len__(self): raise AssertionError('__len__ called')

@pytest.mark.parametrize('reprs', ['all', 'builtin'])
def test_builtin_subclasses_read_with_builtin_methods(reprs):
    "A subclass that keeps the built-in repr is described as the built-in would be; none of its overrides run."
    for v, want in [(NoisyList([1, 2]), '[1, 2]'), (NoisyDict(a=1), "{'a': 1}"), (NoisyStr("it's"), '"it\'s"'),
                    (NoisyStr('x' * 100), "'" + 'x' * 46 + '...'), (NoisyList(range(10**5)), repr(list(range(20)))[:47] + '...'),
                    (NoisyTuple((1,)), '(1,)'), (NoisySet([1]), 'NoisySet({1})'), (NoisySet(), 'NoisySet()'),
                    ([NoisyList([NoisyDict(k=NoisyStr('v'))])], "[[{'k': 'v'}]]")]:
        assert describe(v, reprs=reprs) == (type(v).__name__, want)

def test_default_calls_only_repr():
    "reprs='all': the object's own `__repr__` is called (once per description), and nothing else of its class."
    s = Spy()
    assert describe([s, {'k': s}, ValueError(s), types.SimpleNamespace(a=s), s.__init__], 200) == (
        'list', "[Spy(spy), {'k': Spy(spy)}, ValueError(Spy(spy)), namespace(a=Spy(spy)), <bound method Spy.__init__ of Spy(spy)>]")
    assert Spy.log == ['__repr__'] * 5

def test_builtin_calls_nothing():
    "reprs='builtin': no `__repr__`, `__len__`, `__eq__`, `__hash__`, `__getattr__` or property of the program runs."
    s = Spy()
    n = lambda: f'<{__name__}.Spy object>'
    cases = [(s, n()), ([s, 1], f'[{n()}, 1]'), ({'k': s}, f"{{'k': {n()}}}"), ((s,), f'({n()},)'),
             (ValueError(s, 2), f'ValueError({n()}, 2)'), (types.SimpleNamespace(a=s), f'namespace(a={n()})'),
             (types.MappingProxyType({'k': s}), f"mappingproxy({{'k': {n()}}})"), (slice(s), f'slice(None, {n()}, None)'),
             (collections.defaultdict(Spy), f"defaultdict(<class '{__name__}.Spy'>, {{}})"),
             (collections.deque([s]), f'deque([{n()}])'), (ExceptionGroup('m', [ValueError(s)]), f"ExceptionGroup('m', [ValueError({n()})])")]
    for v, want in cases:
        assert describe(v, 200, reprs='builtin')[1] == want, v
    assert describe(s.__init__, 200, reprs='builtin')[1] == f'<bound method Spy.__init__ of {n()}>'
    assert Spy.log == []

def test_builtin_mode_modules_and_oddities():
    "Modules (whose repr is importlib's Python code, which may call a module's `__getattr__`), weak references, enums."
    import enum, weakref, json as json_mod
    m = types.ModuleType('lazy')
    m.__getattr__ = lambda a: Spy.log.append(f'module __getattr__ {a}')
    assert describe(m, reprs='builtin') == ('module', "<module 'lazy'>")
    assert describe(sys, reprs='builtin') == ('module', "<module 'sys' (built-in)>")
    assert describe(json_mod, 200, reprs='builtin')[1] == f"<module 'json' from {json_mod.__file__!r}>"
    s = Spy()
    assert describe(weakref.ref(s), reprs='builtin') == ('ReferenceType', "<weakref; to 'Spy'>")
    class Color(enum.IntEnum): RED = 1
    assert describe(Color.RED, 200, reprs='builtin') == ('Color', f'<{__name__}.{Color.__qualname__} object>')
    assert describe(Color.RED) == ('Color', '<Color.RED: 1>')
    assert Spy.log == []

def test_metaclass_name_and_str_subclass_repr():
    "The type's name is read without its metaclass; a `__repr__` returning a str subclass has no method of it called."
    class Meta(type):
        @property
        def __name__(cls): raise AssertionError('metaclass __name__ called')
    class Odd(metaclass=Meta):
        def __repr__(self): return NoisyStr('odd at 0x1234 repr')
    assert describe(Odd()) == ('Odd', 'odd repr')

def test_repr_error_message():
    "A raising `__repr__` is reported; reprs='builtin' never calls one, and a `__str__` of the error that raises too is survived."
    class BadStr(Exception):
        def __str__(self): raise RuntimeError('no str either')
    class Bad:
        def __repr__(self): raise BadStr('x')
    assert describe(Bad()) == ('Bad', '<repr-error BadStr>')
    assert describe(Bad(), 200, reprs='builtin') == ('Bad', f'<{__name__}.{Bad.__qualname__} object>')

def test_side_effecting_repr_traced():
    "A `__repr__` with a side effect: called by the default, never by the safe mode; the results say so in their samples."
    class Cache:
        filled = 0
        def __repr__(self): Cache.filled += 1; return 'Cache()'
    def use(c):
        x = c
        return x
    with tracing(use) as res: use(Cache())
    assert (Cache.filled, res[0][1]['x = c'][1]['x']) == (3, [('Cache', 'Cache()')])   # (`x` and `c`, then `x`)
    Cache.filled = 0
    with tracing(use, width=200, reprs='builtin') as res: use(Cache())
    assert (Cache.filled, res[0][1]['x = c'][1]['x']) == (0, [('Cache', f'<{__name__}.{Cache.__qualname__} object>')])
    check_invariant(res)

def test_reprs_checked():
    with pytest.raises(ValueError, match="reprs must be one of"): tracing(len, reprs='none')

# --- 3. O(width) for every built-in value

class Counting:
    "Count `brepr` calls (its recursion goes through the module's global name)."
    def __init__(self, mp): self.n = 0; mp.setattr(tv, 'brepr', self)
    def __call__(self, *a):
        self.n += 1
        return Counting.real(*a)
Counting.real = staticmethod(tv.brepr)

def deep_group(depth):
    eg = ValueError('leaf')
    for i in range(depth): eg = ExceptionGroup(f'level {i}', [eg, KeyError(i)])
    return eg

@pytest.mark.parametrize('safe', [False, True])
def test_bounded_work(monkeypatch, safe):
    "Values whose full repr is huge (or too deep to build) are described in a few dozen steps."
    big = list(range(10**6))
    for v, want in [(deep_group(1000), "ExceptionGroup('level 999', [ExceptionGroup('le..."),
                    (ValueError(big), 'ValueError([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1...'),
                    (types.SimpleNamespace(x=[big] * 3), 'namespace(x=[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,...'),
                    ({'a': (slice(big),)}, "{'a': (slice(None, [0, 1, 2, 3, 4, 5, 6, 7, 8, ..."),
                    (types.MappingProxyType({'e': ExceptionGroup('g', [TypeError(big)])}), "mappingproxy({'e': ExceptionGroup('g', [TypeErr...")]:
        c = Counting(monkeypatch)
        assert describe(v, reprs='builtin' if safe else 'all')[1] == want
        assert c.n < 60, (want, c.n)
        monkeypatch.undo()

def values():
    "A variety of built-in values, nested, recursive, big and small."
    rec_list = [1]; rec_list.append(rec_list)
    rec_dict = {}; rec_dict['me'] = rec_dict
    rec_tuple = ([],); rec_tuple[0].append(rec_tuple)
    rec_ns = types.SimpleNamespace(); rec_ns.me = rec_ns
    rec_deque = collections.deque(); rec_deque.append(rec_deque)
    rec_dd = collections.defaultdict(list); rec_dd[1] = rec_dd
    rec_od = collections.OrderedDict(); rec_od[1] = rec_od
    rec_set_holder = []; rec_set = frozenset([tuple(rec_set_holder)])
    d = {}; d['v'] = d.values()
    odd_ns = types.SimpleNamespace(a=1); odd_ns.__dict__[1] = 2; odd_ns.__dict__[''] = 3
    class MyNS(types.SimpleNamespace): pass
    class MyErr(Exception): pass
    class MyGroup(ExceptionGroup): pass
    class M:
        def f(self): pass
    big = list(range(1000))
    return [rec_list, rec_dict, rec_tuple, rec_ns, rec_deque, rec_dd, rec_od, rec_set, d, odd_ns, MyNS(a=big), MyErr(),
            MyErr(1), MyErr(1, 'two'), KeyError('k'), OSError(2, 'gone', 'file'), SyntaxError('bad', ('f.py', 1, 2, 'x y')),
            StopIteration(big), SystemExit(3), UnicodeDecodeError('utf-8', b'\xff' * 100, 0, 1, 'bad'),
            ExceptionGroup('m', [ValueError(1), TypeError('x')]), BaseExceptionGroup('b', (KeyboardInterrupt(),)),
            MyGroup('mine', [ValueError(big)]), ExceptionGroup('t', (ValueError(),)), slice(1, None, 'a'), slice(big),
            range(10**9), memoryview(b'abc'), types.MappingProxyType({'a': big}), types.MappingProxyType(rec_dict),
            M().f, [].append, frozenset({1}), set(), {1: {2: {3: big}}}, (big, [big], {'k': big}), b'\x00' * 100,
            bytearray(b"'" * 80), 'x' * 1000, ("a'b" * 30,), [ExceptionGroup('in', [ValueError(rec_list)])]]

@pytest.mark.parametrize('width', [4, 20, 50, 300])
def test_exact_prefix(width):
    "Wherever the full repr is computable, the description is its first `width` characters (addresses dropped)."
    for v in values():
        full = re.sub(' at 0x[0-9a-f]+', '', repr(v))
        want = full if len(full) <= width else full[:width - 3] + '...'
        assert describe(v, width)[1] == want, (width, full[:80])

def test_exception_group_mutated_list():
    "From 3.14 on, a group shows the exceptions it holds (shaped as the list it was given); before, its args."
    given = [ValueError(1)]
    g = ExceptionGroup('m', given)
    given.append(KeyError())
    assert describe(g, 200)[1] == repr(g)
    assert ('KeyError' in repr(g)) == (sys.version_info < (3, 14))

# --- 4. the recursion limit

def rec(n):
    m = n
    return rec(n + 1) if n < 10**6 else n

def limit_error(fn):
    try: fn()
    except RecursionError as e:   # (the program's own frames: those of `rec`)
        return type(e), str(e), [(f.name, f.lineno, f.line) for f in traceback.extract_tb(e.__traceback__) if f.name == 'rec']
    raise AssertionError('no RecursionError')

def test_recursion_limit_stops_cleanly():
    "The program hits the limit exactly as untraced; the calls recorded before are complete; the results say why it stopped."
    untraced = limit_error(lambda: rec(0))
    with tracing(rec, max_calls=10**6) as res: traced = limit_error(lambda: rec(0))
    assert traced == untraced
    assert res.incomplete['error'] == f'RecursionError: {TOO_DEEP}' and res.incomplete['calls'] == len(res)
    assert len(res) > sys.getrecursionlimit() - len(traceback.extract_stack()) - HEADROOM - 10
    assert [d[key][1]['n'] for _, d in res for key in ('m = n', 'return rec(n + 1) if n < 10**6 else n')] == [
        [('int', str(i))] for i in range(len(res)) for _ in range(2)]
    check_invariant(res)

def test_recursion_below_limit_untouched():
    "A recursion that stays clear of the limit is traced whole."
    def down(n): return down(n - 1) if n else 0
    with tracing(down, max_calls=10**6) as res: down(400)
    assert len(res) == 401 and res.incomplete is None

def test_flat_lists_and_tuples_described_by_c_repr_as_by_the_walk(monkeypatch):
    "`brepr`'s fast path for short lists and tuples of numbers, None and short strings gives what walking them gives."
    import random
    rnd = random.Random(1234)
    def item():
        k = rnd.randrange(9)
        if k == 0: return rnd.randrange(-10**19, 10**19)
        if k == 1: return rnd.choice([0.1, -2.5, float('inf'), float('nan'), 1e300, -0.0])
        if k == 2: return rnd.choice([True, False, None])
        if k == 3: return ''.join(rnd.choice('ab\'"\\\n\x00é\u200b😀 ') for _ in range(rnd.randrange(0, 70)))
        if k == 4: return [item() for _ in range(rnd.randrange(3))]
        if k == 5: return tuple(item() for _ in range(rnd.randrange(3)))
        return rnd.randrange(-1000, 1000) if k < 8 else 'x' * rnd.randrange(80)
    values = [[item() for _ in range(rnd.randrange(12))] for _ in range(3000)]
    values += [tuple(v) for v in values[:1000]] + [{'k': v} for v in values[:300]] + [dict(zip(v, v[::-1])) for v in values[:1000] if all(isinstance(x, (str, int, float, bool, type(None))) for x in v)]
    widths = [rnd.choice([4, 10, 20, 50, 120]) for _ in values]
    fast = [tv.describe(v, w) for v, w in zip(values, widths)]
    assert sum(isinstance(v, (list, tuple)) and len(v) <= tv._FLAT_ITEMS and tv._flat(v) for v in values) > 500
    monkeypatch.setattr(tv, '_FLAT_ITEMS', -1)   # every container walked item by item
    assert [tv.describe(v, w) for v, w in zip(values, widths)] == fast
