"""Random programs that exercise what breaks tracers, and the tools to compare a traced run with an untraced one.

`program(seed)` writes the source of a small module (deterministic for its seed). Every module has the same frame:

- helpers that raise: `boom(v)` (ValueError / KeyError / ZeroDivisionError for some `v`), `aboom(v)` (async),
  `rec(v, log)` (recursion that raises at the bottom for some states of `log`), `sgen(v, log)` (a generator that
  yields a few values, may raise, returns a value and logs in its `finally`);
- context managers: `Ctx` (logs, lets exceptions through), `Swallow` (logs, suppresses ValueError and
  ZeroDivisionError by returning True), `ACtx` (async, lets exceptions through);
- `target(x, log)`: the random part. Its body nests `for`/`while` loops, `if`/`else`, `try`/`except`/`else`/`finally`
  (handlers that re-raise with `raise` and `raise X from e`), `with` (pass-through and suppressing, one or two items),
  `return`/`break`/`continue` inside `try`/`finally` and `with`, raises, calls of the raising helpers, comprehensions
  and generator expressions that raise mid-way, closures, generators abandoned half-way (`next` on a temporary, `del`
  of a started one, `break` out of a `for` over one) or exhausted, and, by kind, `yield`/`yield from`/`send`-style
  resumption (generator targets), `await`/`async with` (async targets), a recursive call (recursive targets);
- `main(log)`: the driver. It calls the target many times (more than any `max_calls` tested) from a loop that
  catches, prints what happens and appends to `log` (the list it is passed), and may let a last call raise out of
  `main`. By kind: `loop` (plain calls), `gen` (the target is a generator: consumed whole, abandoned after two
  values and dropped, closed, or thrown into), `rec` (the target recurses), `threads` (three threads call the target,
  each with its own log; nothing printed from the threads), `async` (`asyncio.run`, awaited one by one, then
  `gather`ed).
- the traced function (`TRACED`): `target` mostly, sometimes a helper (`boom`, `rec`, `sgen`, `Swallow.__exit__`,
  `Ctx.__exit__`), so that the traced code is called from everywhere, raises, is thrown into and abandoned.
- `LIFE`: lifetime observations, kept out of `log` and of the output on purpose (see below). The target makes a
  `Probe` (an object with a `__del__`, watched by a weak reference); after each call, the driver notes whether it is
  still alive, and its `__del__` notes when it dies. Untraced, it dies when the call ends. Everything else the
  programs print or log does not depend on when frames die: generators are always closed, exhausted or deleted
  explicitly, never left to die with the frame, so one failure (a tracer that keeps frames alive) does not mask the
  others.

The programs are deterministic (no addresses, no timing, threads never share mutable state) and print only ints,
short strings and exception names and messages.
"""
import ast, collections, contextlib, dataclasses, dis, gc, importlib.util, io, random, sys, threading, types
from tracefunc.session import Session, tracing
from tracefunc.indexer import func_index

KINDS = ('loop', 'loop', 'gen', 'rec', 'threads', 'async', 'helper')
HELPER_TARGETS = ('boom', 'rec', 'sgen', 'Swallow.__exit__', 'Ctx.__exit__')

PRELUDE = '''\
import asyncio, threading, weakref

_calls = []          # one entry per call of the traced function (its first statement), as PY_START sees them
LIFE = []            # lifetime observations: (x, 'alive after the call' flags) and ('del', x)
_refs = {}           # thread id -> weak references to the probes of the calls not checked yet

def reset():
    "Forget what an earlier run left in the module."
    _calls.clear(); LIFE.clear(); _refs.clear()

class Probe:
    "An object local to a call: it must die when the call ends (weakref and __del__ watch it)."
    def __init__(self, x):
        self.x = x
        _refs.setdefault(threading.get_ident(), []).append(weakref.ref(self))
    def __del__(self):
        LIFE.append(('del', self.x))

def check(x):
    "After a call: are the probes it made dead?"
    LIFE.append((x, [r() is not None for r in _refs.pop(threading.get_ident(), [])]))

def boom(v):
    _calls.append('boom')
    if v % 5 == 3:
        raise ValueError(f'bad {v}')
    if v % 7 == 4:
        raise KeyError(v)
    if v % 11 == 6:
        return v // 0
    return v * 2 + 1

async def aboom(v):
    await asyncio.sleep(0)
    return boom(v) + 1

def rec(v, log):
    _calls.append('rec')
    if v <= 0:
        if len(log) % 3 == 1:
            raise ZeroDivisionError('bottom')
        return 1
    return rec(v - 1, log) + v

def sgen(v, log):
    _calls.append('sgen')
    try:
        for k in range(v % 4 + 1):
            yield boom(v + k)
        if v % 3 == 0:
            raise ValueError(f'gen {v}')
    finally:
        log.append(('sgen done', v))
    return v % 5

class Ctx:
    def __init__(self, log, tag):
        self.log, self.tag = log, tag
    def __enter__(self):
        self.log.append(('enter', self.tag))
        return self
    def __exit__(self, typ, exc, tb):
        _calls.append('Ctx.__exit__')
        self.log.append(('exit', self.tag, typ.__name__ if typ else None))
        return False

class Swallow(Ctx):
    def __exit__(self, typ, exc, tb):
        _calls.append('Swallow.__exit__')
        self.log.append(('swallow', self.tag, typ.__name__ if typ else None))
        if typ is None:
            return False
        return issubclass(typ, (ValueError, ZeroDivisionError))

class ACtx(Ctx):
    async def __aenter__(self):
        await asyncio.sleep(0)
        return self.__enter__()
    async def __aexit__(self, typ, exc, tb):
        await asyncio.sleep(0)
        return self.__exit__(typ, exc, tb)

'''

@dataclasses.dataclass
class Flags:
    "Where a statement goes: what it may contain there."
    kind: str
    depth: int = 0
    loop: bool = False       # inside a loop of the target (break/continue allowed)
    fin: bool = False        # inside a `finally` (no return/break/continue/yield: they change its meaning)
    exc: str = ''            # the name of the caught exception inside an `except ... as` handler ('' elsewhere)
    def sub(self, **kw): return dataclasses.replace(self, depth=self.depth + 1, **kw)

class Gen:
    "One program's random choices (a `random.Random`) and the lines written so far."
    def __init__(self, seed):
        self.r, self.lines, self.tags = random.Random(seed), [], 0
    def emit(self, ind, text):
        for l in text.split('\n'): self.lines.append('    ' * ind + l)
    def tag(self):
        self.tags += 1
        return f"'c{self.tags}'"
    def cond(self, var='t'):
        "A condition true about 1 time in k."
        k = self.r.randint(2, 6)
        return f'{var} % {k} == {self.r.randrange(k)}'

# Simple statements: (text, weight); the text may span lines (kept at one indentation) and may raise.
SIMPLE = [
    ('t += x', 3), ('t = (t * 7 + 3) % 101', 3), ('u = t % 9', 2), ('t += boom(t)', 4), ('log.append(t)', 2),
    ("print('t', x, t)", 2),
    ('u = [boom(j) for j in range(t % 4)]', 2),              # a list comprehension that raises mid-way
    ('u = sum(boom(j) for j in range(t % 5))', 2),           # a generator expression that raises mid-way
    ('u = {j: 60 // (j - t % 6) for j in range(3)}', 1),     # a dict comprehension: ZeroDivisionError
    ('t += rec(t % 4, log)', 2),                             # recursion that may raise at the bottom
    ('t += next(sgen(t, log))', 2),                          # a generator abandoned after one value (a temporary)
    ('g = sgen(t, log)\nt += next(g)\ndel g', 2),            # a started generator dropped half-way
    ('t += sum(sgen(t, log))', 1),                           # exhausted (or raising)
    ("t += {'a': 1, 'b': 2}['abc'[t % 3]]", 1),              # KeyError('c')
    ('assert t % 13 != 5, t', 1),
    ('t += len(str(t))', 1),
    ('u = [k + 1 for k in range(t % 3) if k != 7]', 1),      # a comprehension that does not raise
]
GEN_SIMPLE = [('yield t', 3), ('u = yield t', 2), ('t += yield from sgen(t, log)', 2), ('yield from sgen(u, log)', 1)]
ASYNC_SIMPLE = [('await asyncio.sleep(0)', 2), ('t += await aboom(t)', 3)]
HANDLERS = ['except ValueError:', 'except (KeyError, ZeroDivisionError) as {e}:', 'except Exception as {e}:',
            'except ArithmeticError:', 'except LookupError as {e}:']

def weighted(r, items): return r.choices([t for t, _ in items], [w for _, w in items])[0]

def simple(g, ind, f):
    items = SIMPLE + (GEN_SIMPLE if f.kind == 'gen' and not f.fin else []) + (ASYNC_SIMPLE if f.kind == 'async' else [])
    if f.kind == 'threads': items = [it for it in items if not it[0].startswith('print')]   # threads do not print
    g.emit(ind, weighted(g.r, items))

def block(g, ind, f, n=None):
    "One to three statements at `ind`."
    for _ in range(n or g.r.randint(1, 3)): stmt(g, ind, f)

def stmt(g, ind, f):
    "One random statement, compound ones while `f.depth` allows."
    r, k = g.r, g.r.random()
    if f.depth >= 3 or k < 0.38: return simple(g, ind, f)
    if k < 0.46:
        g.emit(ind, f'if {g.cond()}:'); block(g, ind + 1, f.sub())
        if r.random() < 0.5: g.emit(ind, 'else:'); block(g, ind + 1, f.sub())
    elif k < 0.55:
        v = f'i{f.depth}'
        g.emit(ind, f'for {v} in range({r.randint(0, 4)}):')
        g.emit(ind + 1, f't += {v}'); block(g, ind + 1, f.sub(loop=True))
    elif k < 0.59:
        w = f'w{f.depth}'
        g.emit(ind, f'{w} = 0'); g.emit(ind, f'while {w} < {r.randint(1, 3)}:'); g.emit(ind + 1, f'{w} += 1')
        block(g, ind + 1, f.sub(loop=True))
    elif k < 0.63:   # a generator left by break (abandoned: closed as the loop drops it) or by an exception
        g.emit(ind, 'for w in sgen(t, log):'); g.emit(ind + 1, 't += w')
        block(g, ind + 1, f.sub(loop=True), 1)
    elif k < 0.66 and f.loop and not f.fin:
        g.emit(ind, f'if {g.cond()}:'); g.emit(ind + 1, r.choice(['break', 'continue']))
    elif k < 0.76: try_stmt(g, ind, f)
    elif k < 0.86: with_stmt(g, ind, f)
    elif k < 0.90 and not f.fin:
        g.emit(ind, f'if {g.cond()}:'); g.emit(ind + 1, 'return t' if f.kind != 'gen' or r.random() < 0.5 else 'return')
    elif k < 0.93:
        g.emit(ind, f'if {g.cond()}:'); g.emit(ind + 1, r.choice(['raise ValueError(t)', 'raise KeyError(t)', 'raise RuntimeError(t)']))
    elif k < 0.96 and f.kind != 'async':   # a closure that raises, defined and called here
        g.emit(ind, 'def inner(q):'); g.emit(ind + 1, 'q += boom(q)'); g.emit(ind + 1, 'return q + t')
        g.emit(ind, 't += inner(u)')
    elif f.kind == 'async' and not f.fin:
        g.emit(ind, f'async with ACtx(log, {g.tag()}):'); block(g, ind + 1, f.sub())
    else: simple(g, ind, f)

def try_stmt(g, ind, f):
    r = g.r
    g.emit(ind, 'try:'); block(g, ind + 1, f.sub())
    handlers = r.sample(HANDLERS, r.choice([0, 1, 1, 1, 2]))
    fin = not handlers or r.random() < 0.4
    for h in handlers:
        e = f'e{f.depth}'
        g.emit(ind, h.format(e=e))
        hf = f.sub(exc=e if '{e}' in h else '')
        c = r.random()
        if c < 0.25: g.emit(ind + 1, 't += 100')
        elif c < 0.4:
            g.emit(ind + 1, f'if {g.cond()}:'); g.emit(ind + 2, 'raise')   # re-raise
            g.emit(ind + 1, 't -= 1')
        elif c < 0.52 and hf.exc:
            g.emit(ind + 1, f"log.append(('caught', type({e}).__name__))")
            g.emit(ind + 1, f'if {g.cond()}:'); g.emit(ind + 2, f'raise KeyError(t) from {e}')
        else: block(g, ind + 1, hf)
    if handlers and r.random() < 0.3: g.emit(ind, 'else:'); block(g, ind + 1, f.sub())
    if fin:
        g.emit(ind, 'finally:')
        block(g, ind + 1, f.sub(fin=True), r.randint(1, 2))

def with_stmt(g, ind, f):
    r = g.r
    mgr = lambda: f"{r.choice(['Ctx', 'Swallow'])}(log, {g.tag()})"
    items = mgr() if r.random() < 0.75 else f'{mgr()} as cm, {mgr()}'
    g.emit(ind, f'with {items}:'); block(g, ind + 1, f.sub())

def target_src(g, kind):
    head = 'async def target(x, log):' if kind == 'async' else 'def target(x, log):'
    g.emit(0, head)
    g.emit(1, "_calls.append('target')")
    g.emit(1, 'p = Probe(x)')
    g.emit(1, 't = x')
    g.emit(1, 'u = 0')
    f = Flags(kind)
    if kind == 'rec':   # the recursion is always there, and it raises at the bottom for some x
        g.emit(1, 'if x > 0:'); g.emit(2, 't += target(x - 1, log)')
        g.emit(1, 'else:'); g.emit(2, f'if len(log) % {g.r.randint(2, 4)} == 1:'); g.emit(3, 'raise ValueError(t)')
    block(g, 1, f, g.r.randint(2, 5))
    if kind == 'gen': g.emit(1, 'yield t')
    if g.r.random() < 0.75: g.emit(1, 'return t' if kind != 'gen' else 'return')
    g.emit(0, '')

CATCH = "        except Exception as e:\n            print('caught', x, type(e).__name__, e)\n            log.append(('caught', x, type(e).__name__))\n"

def driver_src(g, kind):
    r = g.r
    n = r.randint(5, 8) if kind == 'rec' else r.randint(8, 24)
    last = r.random() < 0.3   # a last call whose exception leaves main
    if kind in ('loop', 'helper', 'rec'):
        g.emit(0, f'def main(log):\n    total = 0\n    for x in range({n}):\n        try:\n            r = target(x, log)\n'
                  f"            print('ok', x, r)\n            total += r if isinstance(r, int) else 0\n" + CATCH +
                  '        check(x)')
        g.emit(0, f'    return target({n}, log) if {last} else total')
    elif kind == 'gen':
        g.emit(0, f'''def main(log):
    for x in range({n}):
        g = None
        try:
            g = target(x, log)
            mode = x % 5
            if mode == 0:
                print('all', list(g))
            elif mode == 1:
                for k, v in enumerate(g):
                    print('v', v)
                    if k == 1:
                        break
            elif mode == 2:
                print('first', next(g))
                g.close()
            elif mode == 3:
                print('first', next(g))
                print('thrown', g.throw(ValueError(x)))
            else:
                print('first', next(g))
                print('sent', g.send(x))
{CATCH}        del g
        check(x)
    return list(target({n}, log)) if {last} else x''')
    elif kind == 'threads':
        g.emit(0, f'''def main(log):
    subs = [[] for _ in range(3)]
    def work(k):
        for x in range(k, {n}, 3):
            try:
                subs[k].append(('ok', x, target(x, subs[k])))
            except Exception as e:
                subs[k].append(('caught', x, type(e).__name__, str(e)))
            check(x)
    ths = [threading.Thread(target=work, args=(k,)) for k in range(3)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    for k, s in enumerate(subs):
        print(k, s)
        log.append(s)
    return target({n}, log) if {last} else len(subs)''')
    elif kind == 'async':
        g.emit(0, f'''async def amain(log):
    total = 0
    for x in range({n}):
        try:
            r = await target(x, log)
            print('ok', x, r)
            total += r if isinstance(r, int) else 0
{CATCH}        check(x)
    rs = await asyncio.gather(*[target(x, log) for x in range({n}, {n + 4})], return_exceptions=True)
    for r in rs:
        print('gathered', type(r).__name__, r)
    return (await target({n}, log)) if {last} else total

def main(log):
    return asyncio.run(amain(log))''')
    g.emit(0, '')

def program(seed):
    "`(source, kind, traced)`: the module text of program `seed`, its kind and the qualname of the function to trace."
    g = Gen(seed)
    kind = g.r.choice(KINDS)
    traced = g.r.choice(HELPER_TARGETS) if kind == 'helper' else 'target'
    g.emit(0, f'"Random program {seed}: kind {kind}, traced {traced} (tests/transparency.py)."')
    g.lines += PRELUDE.split('\n')
    target_src(g, 'loop' if kind == 'helper' else kind)
    driver_src(g, kind)
    g.emit(0, f'TRACED = {traced}')
    return '\n'.join(g.lines) + '\n', kind, traced

def load(seed, directory):
    "Write program `seed` to `directory` and import it (under a name of its own, so it has source and a file)."
    src, kind, traced = program(seed)
    return load_source(src, f'tp_{seed}', directory, kind, seed)

def load_source(src, name, directory, kind, seed=None):
    "Write module `name` with source `src` to `directory` and import it."
    path = directory/f'{name}.py'
    path.write_text(src)
    spec = importlib.util.spec_from_file_location(name, path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    m.KIND, m.SEED = kind, seed
    return m

# --- small explicit shapes: one exception leaving a block through one or two enclosing constructs -----------------

def _ind(lines): return ['    ' + l for l in lines]

WRAPPERS = {   # name -> the lines around a block (the block may raise ZeroDivisionError or KeyError)
    'with': lambda b: ["with Ctx(log, 'w'):", *_ind(b)],
    'swallow': lambda b: ["with Swallow(log, 's'):", *_ind(b)],            # suppresses ZeroDivisionError
    'finally': lambda b: ['try:', *_ind(b), 'finally:', "    log.append('f')", "    log.append('g')"],
    'reraise': lambda b: ['try:', *_ind(b), 'except ArithmeticError:', "    log.append('r')", '    raise'],
    'nomatch': lambda b: ['try:', *_ind(b), 'except LookupError as e:', "    log.append('n')"],   # catches KeyError
    'nomatch2': lambda b: ['try:', *_ind(b), 'except TypeError:', "    log.append('y')", 'except NameError:',
                           "    log.append('z')"],                                                # catches neither
    'loop': lambda b: ['for i in range(2):', *_ind(b)],
    'in-finally': lambda b: ['try:', "    log.append('t')", '    1 // x', 'finally:', *_ind(b)],   # an exception in flight
    'in-except': lambda b: ['try:', '    1 // x', 'except ZeroDivisionError:', *_ind(b)],
}
RAISERS = {'inline': 'c = 1 // x', 'call': 'c = h(x)',   # ZeroDivisionError; KeyError (from another frame)
           'comp': 'c = [1 // x for j in range(2)]'}   # ZeroDivisionError leaving an inlined comprehension
POSITIONS = {'first': lambda r: [r, 'a = 1'], 'middle': lambda r: ['a = 1', r, 'b = 2'], 'last': lambda r: ['a = 1', r]}
FRAMES = ('def', 'gen', 'async')

def shape_program(frame, wrappers, position, raiser):
    "Module source: `target(x, log)` raising in `position` of a block wrapped in `wrappers` (innermost last)."
    body = POSITIONS[position](RAISERS[raiser])
    for w in reversed(wrappers): body = WRAPPERS[w](body)
    head = {'def': 'def target(x, log):', 'gen': 'def target(x, log):', 'async': 'async def target(x, log):'}[frame]
    pre = ['await asyncio.sleep(0)'] if frame == 'async' else []
    post = ['yield x'] if frame == 'gen' else ['return x']
    run = {'def': 'target(0, log)', 'gen': 'list(target(0, log))', 'async': 'asyncio.run(target(0, log))'}[frame]
    return '\n'.join([f'"Shape: {frame}, {" > ".join(wrappers)}, {position}, {raiser} (tests/transparency.py)."',
                      PRELUDE, 'def h(v):', "    raise KeyError(f'h{v}')", '', head, "    _calls.append('target')",
                      *_ind(pre + body + post), '', 'def main(log):', '    try:', f'        return repr({run})',
                      '    except Exception as e:', "        return f'{type(e).__name__}: {e}'", '', 'TRACED = target', ''])

def shapes(long=False):
    "(frame, wrappers, position, raiser) of the shapes: every single wrapper; pairs raising by a call in the middle (all: long)."
    ws = list(WRAPPERS)
    out = [(f, (w,), p, r) for f in FRAMES for w in ws for p in POSITIONS for r in RAISERS]
    out += [(f, (a, b), p, r) for f in FRAMES for a in ws for b in ws for p in (POSITIONS if long else ['middle'])
            for r in (RAISERS if long else ['call'])]
    return out

# --- observing a run ---------------------------------------------------------------------------------------------

def exc_desc(e, file, depth=0):
    "An exception as comparable data: type, message, its traceback's frames in `file` (name, line), and its chain."
    frames, tb = [], e.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == file: frames.append((tb.tb_frame.f_code.co_name, tb.tb_lineno))
        tb = tb.tb_next
    out = (type(e).__name__, str(e), frames)
    if depth < 4:
        if e.__cause__ is not None: out += ('cause', exc_desc(e.__cause__, file, depth + 1))
        elif e.__context__ is not None and not e.__suppress_context__: out += ('context', exc_desc(e.__context__, file, depth + 1))
    return out

@dataclasses.dataclass
class Run:
    "What one run of a program did (`outcome`, `out`, `log`: compared exactly), how long its objects lived, its calls."
    outcome: tuple    # ('returned', repr) or ('raised', exc_desc)
    out: str          # what it printed
    log: str          # repr of the list it was passed, after the run
    unraisable: list  # exceptions reported to sys.unraisablehook (a generator's finaliser that raised): type, message
    life: list        # LIFE, sorted (threads append in any order)
    ncalls: int       # calls of the traced function
    def same(self): return self.outcome, self.out, self.log, self.unraisable

def observe(m, start=None, stop=None):
    "Run `m.main` with a fresh log, output captured; `start()`/`stop()` around it (a session, an oracle)."
    m.reset()
    log, out, unraisable = [], io.StringIO(), []
    hook, sys.unraisablehook = sys.unraisablehook, lambda u: unraisable.append((type(u.exc_value).__name__, str(u.exc_value)))
    gc.collect(0)
    gc.disable()   # cyclic garbage of the run dies at the collection below, not when allocations (the tracer's) trigger one
    try:
        with contextlib.redirect_stdout(out):
            if start: start()
            try:
                try: outcome = ('returned', repr(m.main(log)))
                except Exception as e:
                    outcome = ('raised', exc_desc(e, m.__file__))
                    del e
                gc.collect(0)   # (the young generation: what the run allocated, since collections are off)
                life, ncalls = sorted(map(repr, m.LIFE)), m._calls.count(m.TRACED.__qualname__)
            finally:
                if stop: stop()
    finally:
        sys.unraisablehook = hook
        gc.enable()
    return Run(outcome, out.getvalue(), repr(log), unraisable, life, ncalls)

# --- CPython's own LINE events, per call, as an oracle for hit counts -------------------------------------------

M = sys.monitoring

def codes_of(code):
    "`code` and every code object nested in it."
    out = [code]
    for c in code.co_consts:
        if isinstance(c, types.CodeType): out += codes_of(c)
    return out

_CACHE = {}   # (function name, id(code)) -> (code, result): the oracle's static tables, built once per code object

def forget():
    """Let the oracle's tables (and the code objects they hold) go, and the tracer's index cache: until aa4d637 it kept
    every traced function and its module alive (TRANSPARENCY-FINDINGS.md F3), and a heap that grows with each program
    makes each session start slower (a session may scan the heap for suspended generators)."""
    _CACHE.clear()
    import tracefunc.indexer
    tracefunc.indexer._CACHE.clear()

def cached(fn):
    def wrapper(code):
        hit = _CACHE.get((fn.__name__, id(code)))
        if hit is None or hit[0] is not code: hit = _CACHE[(fn.__name__, id(code))] = (code, fn(code))
        return hit[1]
    wrapper.__doc__, wrapper.__name__ = fn.__doc__, fn.__name__
    return wrapper

@cached
def relined_handlers(code):
    """Exception handlers of `code` that fire LINE again for the line they belong to, though no statement is entered
    there: offset -> line. Two kinds (found by looking at the bytecode the handler starts with):
    - the clean-up of an inlined comprehension (PEP 709) left by an exception: `SWAP`, `POP_TOP` with no line, then
      `SWAP`, `STORE_FAST`s and `RERAISE` on the statement's line;
    - `CLEANUP_THROW`: an exception thrown into (or closing) a generator suspended in `yield from` / `await`."""
    ins = list(dis.get_instructions(code))
    at = {i.offset: k for k, i in enumerate(ins)}
    out = {}
    for e in dis._parse_exception_table(code) if hasattr(dis, '_parse_exception_table') else ():
        k = at.get(e.target)
        if k is None: continue
        if ins[k].opname == 'CLEANUP_THROW' and ins[k].positions.lineno is not None:
            out[e.target] = ins[k].positions.lineno
            continue
        if k + 4 >= len(ins): continue
        a, b, c = ins[k], ins[k + 1], ins[k + 2]
        if (a.opname, b.opname, c.opname) == ('SWAP', 'POP_TOP', 'SWAP') and a.positions.lineno is None \
                and c.positions.lineno is not None:
            rest = [i.opname for i in ins[k + 3:]]
            n = next((j for j, o in enumerate(rest) if o != 'STORE_FAST'), len(rest))
            if n and n < len(rest) and rest[n] == 'RERAISE': out[e.target] = c.positions.lineno
    return out

class LineOracle:
    """Another `sys.monitoring` tool on the traced function's code objects: counts LINE events per physical line, per
    call of the function (calls numbered in the order PY_START sees them, as the tracer numbers them). A LINE that a
    `relined_handlers` handler fires (an exception left an inlined comprehension, or was thrown into a `yield from` /
    `await`) is not counted: EXCEPTION_HANDLED at the handler marks the frame, and the frame's next LINE, if it is at the
    handler's line, is that one (CPython does not always fire it: a generator closed by its finaliser does not).
    A LINE of a nested code object (a closure, a generator expression) belongs to the call whose frame is the first
    of the function's code objects above it; LINEs of generator-expression and lambda code objects are kept apart
    (their lines hold a statement too)."""
    SKIP_CODES = ('<genexpr>', '<lambda>')
    def __init__(self, func):
        self.root = func.__code__
        self.codes = {id(c): c for c in codes_of(self.root)}
        self.cleanups = {id(c): relined_handlers(c) for c in self.codes.values()}
        self.lock = threading.Lock()
        self.calls, self.owner, self.stray, self.tool = [], {}, collections.Counter(), None
        self.relined, self.skipped = {}, 0   # id(frame) -> the line a handler that fires LINE again just started

    def call_of(self, f):
        """The call number frame `f` belongs to, or None. Frames are known by id, and forgotten when they return or
        unwind (ids are reused once a frame dies): the oracle must not keep the program's frames alive."""
        k = self.owner.get(id(f))
        if k is not None: return k
        g = f.f_back
        while g is not None:
            k = self.owner.get(id(g))
            if k is not None:
                self.owner[id(f)] = k
                return k
            g = g.f_back
        return None

    def on_start(self, code, offset):
        f = sys._getframe(1)
        with self.lock:
            if code is self.root:
                self.owner[id(f)] = len(self.calls)
                self.calls.append(collections.Counter())
            else: self.call_of(f)

    def on_line(self, code, line):
        if code.co_name in self.SKIP_CODES: return
        f = sys._getframe(1)
        with self.lock:
            if self.relined.pop(id(f), None) == line:   # fired by a `relined_handlers` handler: not an entry
                self.skipped += 1
                return
            k = self.call_of(f)
            (self.stray if k is None else self.calls[k])[line] += 1

    def on_handled(self, code, offset, exc):
        c = self.cleanups.get(id(code))
        if not c or offset not in c: return
        with self.lock: self.relined[id(sys._getframe(1))] = c[offset]   # the next LINE of the frame, if at that line

    def on_end(self, code, offset, arg):
        "PY_RETURN / PY_UNWIND: the frame is done, its id may be reused."
        if id(code) not in self.codes: return
        f = sys._getframe(1)
        with self.lock: self.owner.pop(id(f), None); self.relined.pop(id(f), None)

    EVENTS = ('PY_START', 'LINE', 'EXCEPTION_HANDLED', 'PY_RETURN', 'PY_UNWIND')

    def start(self):
        self.tool = t = next(i for i in (2, 1, 0, 5, 4, 3) if M.get_tool(i) is None)
        M.use_tool_id(t, 'transparency-line-oracle')
        E = M.events
        for ev, cb in zip(self.EVENTS, (self.on_start, self.on_line, self.on_handled, self.on_end, self.on_end)):
            M.register_callback(t, getattr(E, ev), cb)
        for c in self.codes.values(): M.set_local_events(t, c, E.LINE | E.PY_START | E.PY_RETURN)
        M.set_events(t, E.EXCEPTION_HANDLED | E.PY_UNWIND)   # (not local events before 3.15)

    def stop(self):
        t, self.tool = self.tool, None
        for c in self.codes.values(): M.set_local_events(t, c, 0)
        M.set_events(t, 0)
        for ev in self.EVENTS: M.register_callback(t, getattr(M.events, ev), None)
        M.free_tool_id(t)
        self.owner.clear(); self.relined.clear()

    def per_call(self):
        "Per call: LINE events per line (less those fired by `relined_handlers`)."
        return self.calls

@cached
def jump_target_lines(code):
    """Lines of `code` (and nested code) with a jump target that is not their first instruction: on 3.12, LINE can fire
    again for one execution there (a jump into the middle of a line, e.g. after a call in `a and f(x)`)."""
    out = set()
    for c in codes_of(code):
        first = {}
        for i in dis.get_instructions(c):
            ln = i.positions.lineno
            if ln is None: continue
            if ln not in first: first[ln] = i.offset
            elif i.is_jump_target: out.add(ln)
    return out

def unlined_after_loops(code):
    """Lines of `code` (and nested code) whose LINE event CPython 3.14 and 3.15 may not fire: the last line of a
    function that follows a `for` loop with a `break` is compiled twice (after the `break`, and after the loop ends);
    when the loop ends (`END_FOR`, `POP_ITER`) and that copy is one line, to the return, its LINE is not fired
    (`for i in range(2): if i == 5: break` then `return t`: the return runs, LINE does not say so; two lines after
    the loop are reported)."""
    out = set()
    for c in codes_of(code):
        ins = [i for i in dis.get_instructions(c) if i.positions.lineno is not None]
        for k, i in enumerate(ins[:-1]):
            if i.opname != 'POP_ITER': continue
            ln, j = ins[k + 1].positions.lineno, k + 1
            while j + 1 < len(ins) and ins[j + 1].positions.lineno == ln and not ins[j].opname.startswith('RETURN'): j += 1
            if ins[j].opname.startswith('RETURN') and any(i2.positions.lineno == ln for i2 in ins[:k]): out.add(ln)
    return out

_HEADERS = (ast.If, ast.For, ast.While, ast.ExceptHandler)   # a LINE at their line is a check of their header
_ENTERED = (ast.With, ast.AsyncWith, ast.Try)                 # entered exactly when their body's first statement is

def comparable_lines(index, code, headers=False):
    """`(line, physical line)` pairs: the index's statements whose hit count must equal the LINE events at that physical
    line. Simple statements (no body) that a physical line holds alone, on one line: there a LINE event is an entry
    (comprehensions and lambdas on the line are fine: their LINEs are counted apart or corrected). With `headers`, also
    the one-line headers of `if`/`for`/`while`/`except` alone on their line (LINE fires at each check), and `with`/`try`
    headers, compared with the LINEs of their body's first statement when that is comparable (so only for code whose
    context managers' `__enter__` never raises: the generated programs). On 3.12, lines with a jump target in the
    middle are left out (see `jump_target_lines`); on 3.14 and later, a function's last line that may follow a loop
    with a `break` (see `unlined_after_loops`)."""
    stmts = collections.Counter(n for l in index.lines if l.kind == 'stmt'
                                for n in range(l.pos[0], l.pos[0] + l.text.count('\n') + 1))   # (a header: its text)
    skip = jump_target_lines(code) if sys.version_info < (3, 13) else unlined_after_loops(code)
    alone = lambda l: '\n' not in l.text and stmts[l.pos[0]] == 1 and l.pos[0] not in skip
    simple = {l.node: l for l in index.lines if l.kind == 'stmt' and not hasattr(l.node, 'body') and alone(l)}
    out = [(l, l.pos[0]) for l in simple.values()]
    if headers:
        for l in index.lines:
            if l.kind != 'stmt': continue
            if isinstance(l.node, _HEADERS) and alone(l): out.append((l, l.pos[0]))
            elif isinstance(l.node, _ENTERED) and l.node.body[0] in simple: out.append((l, simple[l.node.body[0]].pos[0]))
    return sorted(out, key=lambda p: p[0].idx)

# --- traced runs and what is checked on them ---------------------------------------------------------------------

ALL = 10**6    # a cap that records every call / keeps every sample

class Traced:
    "One traced run: its limits, what the program did, the tracer's results, the oracle (or None)."
    def __init__(self, name, limits, run, results, oracle, error=None):
        self.name, self.limits, self.run, self.results, self.oracle, self.error = name, limits, run, results, oracle, error

def traced_run(m, name, limits, with_oracle=False, public=False):
    """Run program `m` traced with `limits` (`Session`, or the public `tracing()` when `public`: quiet lines on there),
    the LINE oracle attached when `with_oracle`."""
    func = m.TRACED
    oracle = LineOracle(func) if with_oracle else None
    box = {}
    try:
        if public:
            lim = {k: v for k, v in limits.items() if k != 'quiet'}
            def start():
                if oracle: oracle.start()
                box['cm'] = tracing(func, **lim); box['res'] = box['cm'].__enter__()
            def stop():
                try: box['cm'].__exit__(None, None, None)
                finally:
                    if oracle: oracle.stop()
            run = observe(m, start, stop)
            results = [(s, d) for s, d in box['res']]
        else:
            sess = Session(func, stacks=False, **limits)
            def start():
                if oracle: oracle.start()
                sess.start()
            def stop():
                try: sess.stop()
                finally:
                    if oracle: oracle.stop()
            run = observe(m, start, stop)
            results = sess.results()
    except Exception as e:   # the tracer itself failed outside the program (set-up, results): say so
        return Traced(name, limits, None, None, None, f'{type(e).__name__}: {e}')
    return Traced(name, limits, run, results, oracle)

def first_diff(a, b):
    "Where two strings first differ, with a little context."
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f'untraced ...{a[max(0, i - 80):i + 120]!r}\n  traced ...{b[max(0, i - 80):i + 120]!r}'

def behaviour_problems(plain, t):
    "How traced run `t` behaved differently from the untraced run `plain`: returned/raised, printed, logged, unraisable."
    if t.run is None: return [f'the tracer failed: {t.error}']
    out = []
    if t.run.outcome != plain.outcome: out.append(f'outcome: untraced {plain.outcome!r}\n  traced {t.run.outcome!r}')
    if t.run.out != plain.out: out.append('printed:\n' + first_diff(plain.out, t.run.out))
    if t.run.log != plain.log: out.append('log:\n' + first_diff(plain.log, t.run.log))
    if t.run.unraisable != plain.unraisable:   # (exceptions of generator finalisers)
        out.append(f'unraisable: untraced {plain.unraisable!r}\n  traced {t.run.unraisable!r}')
    return out

def invariant_problems(t):
    "Sample lists not of `min(hits, max_samples)` entries; recorded calls not `min(calls, max_calls)`."
    if t.results is None: return []
    lim, out = t.limits, []
    want = min(t.run.ncalls, lim['max_calls'])
    if len(t.results) != want: out.append(f'{len(t.results)} calls recorded, not {want} ({t.run.ncalls} calls)')
    out += [f'call {c} {k!r} {n}: {h} hits, {len(s)} samples' for c, (_, d) in enumerate(t.results)
            for k, (h, names) in d.items() for n, s in names.items() if len(s) != min(h, lim['max_samples'])]
    return out

def _items(d): return tuple(sorted(d.items()))

def line_problems(m, t):
    """Hit counts of the statements a physical line holds alone that differ from the LINE events of the same call
    (see `comparable_lines`, `LineOracle`); calls of several threads are compared as multisets, when all are recorded."""
    if t.oracle is None or t.results is None: return []
    per_call = t.oracle.per_call()
    if len(per_call) != t.run.ncalls: return [f'the oracle saw {len(per_call)} calls, the program {t.run.ncalls}']
    pairs = comparable_lines(func_index(m.TRACED.__code__), m.TRACED.__code__, headers=True)
    ours = [{l.key: d.get(l.key, (0,))[0] for l, _ in pairs} for _, d in t.results]
    theirs = [{l.key: c.get(n, 0) for l, n in pairs} for c in per_call[:len(ours)]]
    if m.KIND == 'threads':
        if t.limits['max_calls'] < len(per_call): return []
        a, b = collections.Counter(map(_items, ours)), collections.Counter(map(_items, theirs))
        if a == b: return []
        diff = lambda x, y: {k: (v, dict(y)[k]) for k, v in x if dict(y)[k] != v}
        return [f'a traced call matches no call LINE saw; (traced, LINE) where it differs from the closest: '
                f'{diff(c, min(b - a, key=lambda o: len(diff(c, o))))}' for c in (a - b)]
    return [f'call {k} {key!r}: traced {a[key]}, LINE {b[key]}' for k, (a, b) in enumerate(zip(ours, theirs))
            for key in a if a[key] != b[key]]

def kept(full, n, keep):
    "The samples policy `keep` keeps of the sequence `full` with `n` slots (SPEC 2)."
    if len(full) <= n: return full
    if keep == 'first': return full[:n]
    if keep == 'last': return full[len(full) - n:]
    h = (n + 1) // 2
    return full[:h] + full[len(full) - (n - h):]

def limits_problems(ref, t):
    """How `t` differs from what the reference run `ref` (every call recorded, every sample kept, quiet lines off)
    implies for `t`'s limits: its first `max_calls` calls, the same hits, the samples `keep` keeps."""
    if t.results is None or ref.results is None: return []
    lim = t.limits
    want = [{k: (h, {n: kept(s, lim['max_samples'], lim['keep']) for n, s in names.items()})
             for k, (h, names) in d.items()} for _, d in ref.results[:lim['max_calls']]]
    got = [d for _, d in t.results]
    if len(got) != len(want): return [f'{len(got)} calls recorded, the reference implies {len(want)}']
    out = []
    for c, (a, b) in enumerate(zip(got, want)):
        for key in dict.fromkeys([*b, *a]):
            if a.get(key) != b.get(key):
                what = 'hits' if (a.get(key) or (0,))[0] != (b.get(key) or (0,))[0] else 'samples'
                out.append(f'call {c} {key!r}: {what}: got {a.get(key)!r}\n    want {b.get(key)!r}')
    return out

def life_problems(plain, t):
    "Lifetime observations that differ (a probe alive after its call returned, or its __del__ later)."
    if t.run is None or t.run.life == plain.life: return []
    a, b = collections.Counter(plain.life), collections.Counter(t.run.life)
    return [f'untraced only: {sorted(a - b)}\n  traced only: {sorted(b - a)}']
