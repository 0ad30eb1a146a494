"tracefunc.targets in one process: finding a target however it is defined, arming it on import, and what arming must not do."
import importlib, importlib.abc, importlib.util, sys, textwrap, types

import pytest
from tracefunc.targets import TargetSet, ImportWatch, parse_target, find_in, find_code, loaded_module

@pytest.fixture
def mods(tmp_path, monkeypatch):
    "A directory on sys.path for modules made by the test; they are forgotten afterwards."
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(sys.modules)
    def make(name, src):
        p = tmp_path/(name.replace('.', '/') + '.py')
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(src).lstrip('\n'))
        return p
    yield make
    for m in set(sys.modules) - before: del sys.modules[m]
    importlib.invalidate_caches()

def hits(res, key):
    "Hit counts of line `key` in each recorded call."
    return [d[key][0] for _, d in res]

SHAPES = '''
import functools
from typing import overload

def deco(f):
    @functools.wraps(f)
    def wrapper(*a): return f(*a)
    return wrapper

class Shape:
    def __init__(self, w): self.w = w
    @property
    def area(self):
        return self.w * self.w
    @staticmethod
    def unit():
        return 1
    @classmethod
    def square(cls, w):
        return cls(w)

@deco
def twice(x):
    return 2 * x

@overload
def pick(x: int) -> int: ...
@overload
def pick(x: str) -> str: ...
def pick(x):
    return x

def outer(n):
    def inner(m):
        return m + n
    return inner(1)
'''

@pytest.mark.parametrize('qual,key,call', [
    ('Shape.area', 'return self.w * self.w', lambda m: m.Shape(3).area),
    ('Shape.unit', 'return 1', lambda m: m.Shape.unit()),
    ('Shape.square', 'return cls(w)', lambda m: m.Shape.square(2)),
    ('twice', 'return 2 * x', lambda m: m.twice(4)),
    ('pick', 'return x', lambda m: m.pick(5)),
    ('outer.inner', 'return m + n', lambda m: m.outer(2)),
])
def test_targets_however_defined_imported_before_or_after(mods, qual, key, call):
    mods('shapes', SHAPES)
    t = parse_target(f'shapes:{qual}')
    ts = TargetSet([t]).start()     # not imported yet: armed by the import hook
    m = importlib.import_module('shapes')
    call(m); call(m)
    assert hits(ts.stop()[t], key) == [1, 1]
    t2 = parse_target(f'shapes:{qual}')
    ts = TargetSet([t2]).start()    # imported already: found in the module
    call(m)
    assert hits(ts.stop()[t2], key) == [1]

def test_code_objects_are_found_by_qualname_last_def_wins():
    code = compile(SHAPES.lstrip('\n'), 'shapes.py', 'exec')
    assert find_code(code, 'pick').co_firstlineno == 29 and find_code(code, 'outer.<locals>.inner').co_qualname == 'outer.<locals>.inner'
    assert find_code(code, 'Shape') is None and find_code(code, 'deco.wrapper').co_qualname == 'deco.<locals>.wrapper'

def test_lookup_runs_no_module_getattr(mods):
    mods('lazy', '''
        LOOKED = []
        def __getattr__(name):
            LOOKED.append(name)
            raise AttributeError(name)
        ''')
    import lazy
    assert find_in(lazy, 'anything.at.all') is None and lazy.LOOKED == []

def test_path_targets_match_whatever_name_the_module_is_imported_under(mods, tmp_path):
    p = mods('pkg.sub.util', 'def f(x):\n    return x\n')
    mods('pkg.__init__', '')
    mods('pkg.sub.__init__', '')
    t = parse_target(f'{p}:f')
    ts = TargetSet([t]).start()
    importlib.import_module('pkg.sub.util').f(1)
    assert hits(ts.stop()[t], 'return x') == [1]
    assert loaded_module(t) is sys.modules['pkg.sub.util']

def test_arming_imports_nothing(mods):
    mods('never', 'def f(): pass\n')
    t = parse_target('never:f')
    ts = TargetSet([t]).start()
    import json; json.dumps(1)   # other imports pass through the watch
    assert ts.stop() == {} and 'never' not in sys.modules
    assert ts.outcome(t, {}) == 'never found: module never was never imported'

def test_a_module_without_the_function(mods):
    mods('plain', 'def g(): pass\n')
    t = parse_target('plain:f')
    ts = TargetSet([t]).start()
    import plain
    assert ts.stop() == {} and t.problem == "not found: plain has no function 'f'"

class RunsItsOwnCode(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    "A finder and loader that execs its module's code itself, as pytest's assertion rewriter does."
    def __init__(self, name, path): self.name, self.path = name, str(path)
    def find_spec(self, name, path=None, target=None):
        return importlib.util.spec_from_loader(name, self) if name == self.name else None
    def create_module(self, spec): return None
    def exec_module(self, module):
        with open(self.path) as f: exec(compile(f.read(), self.path, 'exec'), module.__dict__)

def test_a_loader_that_runs_its_own_code_gets_its_targets_after_the_body(mods, tmp_path):
    p = mods('rewritten', 'def f(x):\n    return x + 1\nAT_IMPORT = f(0)\n')
    finder = RunsItsOwnCode('rewritten', p)
    sys.meta_path.insert(0, finder)
    try:
        t = parse_target('rewritten:f')
        ts = TargetSet([t]).start()
        importlib.import_module('rewritten').f(1)
        res = ts.stop()[t]
    finally: sys.meta_path.remove(finder)
    assert [d['return x + 1'][1]['x'] for _, d in res] == [[('int', '1')]]   # the call made by the body came before the lookup

def test_watch_leaves_the_meta_path_and_the_loader_as_they_were(mods):
    mods('plain2', 'def f(): pass\n')
    before = list(sys.meta_path)
    ts = TargetSet([parse_target('plain2:f')]).start()
    assert isinstance(sys.meta_path[0], ImportWatch)
    import plain2
    ts.stop()
    assert sys.meta_path == before and 'get_code' not in vars(plain2.__loader__)

def test_an_untouched_session_goes_on_into_the_next_start_and_one_touched_between_is_replaced(mods):
    "TargetSet.stop(keep_idle=True), as the pytest plugin stops after each test: a session that saw no call keeps running,"
    " and the next start goes on with it, unless a call came in between (not part of either test): then a new one starts."
    mods('keep_mod', 'def f(x):\n    return x + 1\n')
    import keep_mod
    t = parse_target('keep_mod:f', bare=False)
    ts = TargetSet([t])
    ts.start()
    sess = ts.tracers[t][0].sess
    r = ts.stop(keep_idle=True)
    assert len(r[t]) == 0 and ts.tracers[t][0].sess is sess and sess.untouched()   # no call: still running
    assert ts.record(t, r) == dict(target='keep_mod:f', function='f', file=ts.record(t, r)['file'], lineno=1, keep='first', calls=[],
                                   exception=None, returned=None, incomplete=None)
    ts.start()
    assert ts.tracers[t][0].sess is sess   # the same session, not a new one
    ts.stop(keep_idle=True)
    keep_mod.f(1)   # between two tests
    assert not sess.untouched()
    ts.start()
    assert ts.tracers[t][0].sess is not sess and sess.tool is None   # that one was stopped, its call dropped
    keep_mod.f(2)
    second = ts.tracers[t][0].sess
    r = ts.stop(keep_idle=True)
    assert [d['return x + 1'] for _, d in r[t]] == [(1, {'x': [('int', '2')]})]
    assert ts.tracers[t][0].sess is second and second.untouched()   # its call is over: it goes on into a new round
    ts.stop()
    assert second.tool is None

ROUNDS = '''
def f(n):
    if n < 0: raise ValueError(f'negative: {n}')
    total = 0
    for i in range(n):
        if i % 3: total += i
        else: total -= 1
    return total

def boom(x):
    y = f(x) + 1
    raise ValueError(y)

def gen(n):
    for i in range(n):
        yield f(i)
'''

def _rounds(target, tests, keep_idle, max_calls=3):
    "What `TargetSet.stop` gives after each of `tests` (callables run between `start` and `stop`), and the sessions used."
    ts = TargetSet([parse_target(target, bare=False)], max_calls=max_calls)
    t, out, sessions = ts.targets[0], [], []
    for test in tests:
        ts.start()
        sessions.append(ts.tracers[t][0].sess)
        try: test()
        except ValueError: pass
        out.append(ts.record(t, ts.stop(first=('_rounds', __file__), keep_idle=keep_idle)))   # (stacks start here)
    if keep_idle: ts.stop()
    assert all(s.tool is None for s in sessions)   # every session ended, tool ids given back
    return out, sessions

def test_a_session_goes_on_from_test_to_test_and_each_gets_what_a_new_session_would_give(mods):
    "The pytest plugin's rounds (`Session.new_round`): a session whose calls are over is not stopped after a test but goes"
    " on, armed, into the next; each test's results must be those of a session started for it alone: counts, samples"
    " (of lines that went quiet in an earlier test too), what raised, and calls past the cap or frames left suspended"
    " (which end the session: the next test starts a new one)."
    mods('rounds_mod', ROUNDS)
    import rounds_mod as m
    left = []
    tests = [lambda: m.f(30), lambda: m.f(2), lambda: m.f(-1), lambda: [m.f(k) for k in range(5)], lambda: m.boom(7),
             lambda: left.append(next(g := m.gen(3)) and g), lambda: m.f(30), lambda: None, lambda: m.f(1)]
    kept, kept_sessions = _rounds('rounds_mod:f', tests, keep_idle=True)
    left.clear()
    fresh, _ = _rounds('rounds_mod:f', tests, keep_idle=False)
    for k, (a, b) in enumerate(zip(kept, fresh)): assert a == b, (k, a, b)
    assert [len(r['calls']) for r in kept] == [1, 1, 1, 3, 1, 1, 1, 0, 1]
    heads = [l for l in kept[0]['calls'][0]['lines'] if l['key'] == 'for i in range(n):']
    assert heads[0]['hits'] == 31 and len(heads[0]['names']['i']) == 10   # went quiet in the first test, and again:
    assert kept[6]['calls'][0]['lines'] == kept[0]['calls'][0]['lines']
    assert [c['raised'] for r in kept[2:5] for c in r['calls']] == [dict(type='ValueError', message='negative: -1'), None, None, None, None]
    # one session for the first four tests, the cap reached in the fourth ends it (the last recorded call disarms it)
    ids = {}
    assert [ids.setdefault(id(x), len(ids)) for x in kept_sessions] == [0, 0, 0, 0, 1, 1, 1, 1, 1]

def test_counts_only_where_results_are_not_wanted(mods):
    "`stop(counts=True)` (the plugin's passing tests that nobody sees): the number of each test's calls, no results built;"
    " the tests after it get what they would have got anyway."
    mods('rounds_cnt', ROUNDS)
    import rounds_cnt as m
    tests = [lambda: m.f(30), lambda: m.f(2), lambda: m.f(-1), lambda: [m.f(k) for k in range(5)], lambda: m.boom(7),
             lambda: m.f(30), lambda: None, lambda: m.f(1)]
    ts = TargetSet([parse_target('rounds_cnt:f', bare=False)], max_calls=3)
    t, counts, full = ts.targets[0], [], []
    for k, test in enumerate(tests):
        ts.start()
        try: test()
        except ValueError: pass
        r = ts.stop(first=('_rounds', __file__), keep_idle=True, counts=k % 2 == 0)
        (counts if k % 2 == 0 else full).append(r[t] if k % 2 == 0 else ts.record(t, r))
    ts.stop()
    assert counts == [1, 1, 1, 0]   # (f(30), f(-1), boom(7), nothing)
    fresh, _ = _rounds('rounds_cnt:f', tests, keep_idle=False)
    strip = lambda rec: [(c['lines'], c['raised']) for c in rec['calls']]   # (the stacks start elsewhere here)
    assert [strip(r) for r in full] == [strip(r) for r in fresh[1::2]] and [len(r['calls']) for r in full] == [1, 3, 1, 1]

def test_a_frame_of_the_target_left_suspended_ends_the_session_after_its_test(mods):
    "A generator of the target suspended when its test ends may resume in any later test: that session stops, as before."
    mods('rounds_gen', ROUNDS)
    import rounds_gen as m
    left = []
    tests = [lambda: list(m.gen(3)), lambda: left.append(g := m.gen(4)) or next(g), lambda: next(left[0]), lambda: list(m.gen(2))]
    kept, sessions = _rounds('rounds_gen:gen', tests, keep_idle=True)
    left.clear()
    fresh, _ = _rounds('rounds_gen:gen', tests, keep_idle=False)
    for k, (a, b) in enumerate(zip(kept, fresh)): assert a == b, (k, a, b)
    assert [len(r['calls']) for r in kept] == [1, 1, 0, 1]   # (the third test's `next` resumes a frame no session saw start)
    ids = {}
    assert [ids.setdefault(id(x), len(ids)) for x in sessions] == [0, 0, 1, 1]

def test_a_class_target_is_said_to_be_a_class(mods):
    "A target naming a class, found in a module imported already or compiled code, says how to name one of its methods."
    mods('cls_mod', 'class Box:\n    def size(self): return 1\n')
    import cls_mod
    a, b = parse_target('cls_mod:Box', bare=False), parse_target('Box')
    ts = TargetSet([a, b], option='--tracefunc').start()
    ts.program(compile('class Box:\n    pass\n', 'prog.py', 'exec'), path='prog.py')
    ts.stop()
    assert a.problem == 'cannot be traced: Box is a class, not a function: trace one of its methods, as --tracefunc cls_mod:Box.__init__'
    assert b.problem == 'cannot be traced: Box is a class, not a function: trace one of its methods, as --tracefunc Box.__init__'
