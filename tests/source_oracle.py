"""A hit-count oracle that reads the source, never the bytecode (SPEC 1, "What is recorded").

The check of a count is the program's source run with a counter before each statement. `instrument` rewrites a
module's AST so that every statement of the traced function (and of the functions and classes nested in it) bumps a
counter keyed by the statement's source position `(lineno, col_offset)` (a `case` clause: its `case` keyword, as
`Source.case_start`); the rewritten module runs untraced, the original runs under `tracing(...)`, and `compare`
lists, per call and per statement, where the two counts differ. What a counter counts, statement by statement:

- a simple statement, `with`, `try:`, `match`, `def` (decorators included), `class`: each entry (a counter statement
  just before it; before a `global`/`nonlocal` too: the counter names none of their names, so the declaration still
  precedes every use of them);
- `if c:` / `elif c:` / `while c:`: each evaluation of `c` (the test becomes `_tfo_h(k) and c`, the same truth test of
  the same object), so `while True:` counts each arrival at the header;
- `for x in it:`: each check of the iterator: the entry (a counter before it: a raising `it` entered the statement
  once) and each later `__next__` of a wrapper around `iter(it)` (a loop left by `break`/`return`/`raise` makes no
  final check);
- `except T:` / `except* T:`: each evaluation of `T` (it becomes `_tfo_h(k) and T`; a bare `except:` becomes
  `except (_tfo_h(k) and BaseException):`, which catches the same);
- `case P if g:`: each try of its pattern (a `case _ if _tfo_f(k):` that never matches goes just before it);
- a comprehension or generator expression: each element produced (its element becomes `(elt, _tfo_h(k))[0]`: an
  element whose expression raises is not produced, as the tracer counts appends and yields).

Each rule is the tracer's own on statements with bytecode, and `line_check` shows the counts equal CPython's LINE
events on programs with no code-less or dead statement (`program(seed, coded=True)`), on every Python supported.

Counts are per call of the target: the target's body starts with `_tfo_start()`, which numbers the call (in the order
calls start, as the tracer numbers them) and knows the frame by its id; a counter walks up the stack from where it
runs to the innermost frame of the target (nested functions, classes and generator expressions count into that call;
with no target frame on the stack they count nowhere, as the tracer records nothing then).

`program(seed)` writes a random module rich in statements with no bytecode of their own and in dead code; `compare`
checks one. The command line checks many:

    python tests/source_oracle.py --seeds 0-1999 [--show N] [--coded]
    python tests/source_oracle.py --seeds 0-1999 --line-check

prints how many programs differ, the differences by category (why the statement should not have run, by the source
alone: `dead_reason`, or that it ran; which way the tracer's count is off; the statement's kind) and, with `--show N`,
the first difference of each of the N largest categories reduced to a small program (`reduce`: statements deleted,
blocks unwrapped, calls dropped while a difference of the same category on the same statement persists).
`--line-check` checks the oracle itself against LINE events instead. Findings: tests/SOURCE-ORACLE-FINDINGS.md.
"""
import argparse, ast, collections, contextlib, dataclasses, importlib.util, io, random, re, signal, sys, tempfile, warnings
from pathlib import Path
from tracefunc.session import tracing
from tracefunc.indexer import func_index, Source

# --- the counters (they run in the instrumented program) -----------------------------------------------------------

class Counters:
    "Per call of the target, how often each statement (by key number) was entered."
    def __init__(self):
        self.calls, self.frames, self.code, self.stray = [], {}, None, collections.Counter()

    def start(self):
        "First statement of the target's body: a new call, its frame known by id (a new frame with a reused id registers anew)."
        f = sys._getframe(1)
        self.code = f.f_code
        self.frames[id(f)] = len(self.calls)
        self.calls.append(collections.Counter())

    def hit(self, k):
        "Count statement `k` into the call of the innermost target frame on the stack; True (so `_tfo_h(k) and c` is `c`)."
        f = sys._getframe(1)
        while f is not None:
            if f.f_code is self.code:
                self.calls[self.frames[id(f)]][k] += 1
                return True
            f = f.f_back
        self.stray[k] += 1
        return True

    def miss(self, k):
        "Count statement `k` (a `case` whose pattern is tried) and return False (the dummy case before it never matches)."
        self.hit(k)
        return False

class CountingIter:
    "`iter(it)` that counts every `__next__` but the first (the entry counter before the `for` counted that one)."
    __slots__ = ('it', 'k', 'hit', 'started')
    def __init__(self, hit, k, it): self.it, self.k, self.hit, self.started = iter(it), k, hit, False
    def __iter__(self): return self
    def __next__(self):
        if self.started: self.hit(self.k)
        self.started = True
        return next(self.it)

class CountingAIter:
    "The same for `async for`."
    __slots__ = ('it', 'k', 'hit', 'started')
    def __init__(self, hit, k, it): self.it, self.k, self.hit, self.started = aiter(it), k, hit, False
    def __aiter__(self): return self
    def __anext__(self):
        if self.started: self.hit(self.k)
        self.started = True
        return anext(self.it)

def runtime(counters):
    "The names the instrumented module needs, bound to `counters`."
    h = counters.hit
    return dict(_tfo_h=h, _tfo_f=counters.miss, _tfo_start=counters.start, _tfo_BE=BaseException,
                _tfo_it=lambda k, it: CountingIter(h, k, it), _tfo_ait=lambda k, it: CountingAIter(h, k, it))

# --- the rewrite -----------------------------------------------------------------------------------------------------

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)

def _is_doc(s): return isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant) and isinstance(s.value.value, str)

def _call(name, *args):
    return ast.Call(ast.Name(name, ast.Load()), [a if isinstance(a, ast.AST) else ast.Constant(a) for a in args], [])

def _and(k, e): return ast.BoolOp(ast.And(), [_call('_tfo_h', k), e])

class _Instrument(ast.NodeTransformer):
    "Rewrites the statements of one function (see the module's docstring); `keys[k]` is the position of counter `k`."
    def __init__(self, src): self.src, self.keys = src, []

    def key(self, pos):
        self.keys.append(pos)
        return len(self.keys) - 1

    def counter(self, k, like): return ast.copy_location(ast.Expr(_call('_tfo_h', k)), like)

    # expressions: comprehensions count their elements (nested ones and those in lambdas too)
    def _comp(self, n, field):
        self.generic_visit(n)
        k = self.key((n.lineno, n.col_offset))
        e = getattr(n, field)
        setattr(n, field, ast.copy_location(ast.Subscript(ast.Tuple([e, _call('_tfo_h', k)], ast.Load()), ast.Constant(0), ast.Load()), e))
        return n
    def visit_ListComp(self, n): return self._comp(n, 'elt')
    visit_SetComp = visit_GeneratorExp = visit_ListComp
    def visit_DictComp(self, n): return self._comp(n, 'value')   # (the key is evaluated before the value)

    def parts(self, s):
        "Rewrite the comprehensions in statement `s`'s own expressions and its blocks' statements."
        for f, v in ast.iter_fields(s):
            if isinstance(v, list) and v and isinstance(v[0], ast.stmt): setattr(s, f, self.block(v, s))
            elif isinstance(v, list) and v and isinstance(v[0], (ast.excepthandler, ast.match_case)): pass   # below
            elif isinstance(v, ast.AST): setattr(s, f, self.visit(v))
            elif isinstance(v, list): setattr(s, f, [self.visit(x) if isinstance(x, ast.AST) else x for x in v])

    def block(self, stmts, owner):
        "A block's statements, each after its counter (a function's docstring stays first, uncounted; a class's is counted after it)."
        out = []
        for i, s in enumerate(stmts):
            if i == 0 and _is_doc(s) and isinstance(owner, (*_FUNCS, ast.ClassDef)):
                out.append(s)
                if isinstance(owner, ast.ClassDef): out.append(self.counter(self.key((s.lineno, s.col_offset)), s))
                continue
            out += self.stmt(s)
        return out

    def stmt(self, s):
        k = self.key((s.lineno, s.col_offset))
        self.parts(s)
        if isinstance(s, (ast.If, ast.While)):
            s.test = ast.copy_location(_and(k, s.test), s.test)
            return [s]
        if isinstance(s, (ast.For, ast.AsyncFor)):
            s.iter = ast.copy_location(_call('_tfo_ait' if isinstance(s, ast.AsyncFor) else '_tfo_it', k, s.iter), s.iter)
        elif isinstance(s, (ast.Try, ast.TryStar)):
            for h in s.handlers:
                hk = self.key((h.lineno, h.col_offset))
                h.type = ast.copy_location(_and(hk, h.type if h.type is not None else ast.Name('_tfo_BE', ast.Load())), h)
                self.parts(h)
        elif isinstance(s, ast.Match):
            cases = []
            for c in s.cases:
                ck = self.key(self.src.case_start(c))
                self.parts(c)
                dummy = ast.match_case(ast.MatchAs(), _call('_tfo_f', ck), [ast.Pass()])
                for n in ast.walk(dummy): ast.copy_location(n, c.pattern)
                cases += [dummy, c]
            s.cases = cases
        return [self.counter(k, s), s]

def find_def(tree, qualname):
    "The function node `qualname` (`f`, `C.m`) of module `tree`."
    node = tree
    for part in qualname.split('.'):
        node = next(n for n in node.body if isinstance(n, (*_FUNCS, ast.ClassDef)) and n.name == part)
    return node

def instrument(src, target, filename='<oracle>'):
    """Module source `src` rewritten with counters in function `target` (a qualname): `(code, keys)`, the module's code
    object (compiled from the rewritten tree: original line numbers kept) and the source position of each counter."""
    tree = ast.parse(src)
    fn = find_def(tree, target)
    ins = _Instrument(Source(src))
    body = ins.block(fn.body, fn)
    at = 1 if fn.body and _is_doc(fn.body[0]) else 0
    body.insert(at, ast.copy_location(ast.Expr(_call('_tfo_start')), fn.body[0]))
    fn.body = body
    ast.fix_missing_locations(tree)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return compile(tree, filename, 'exec'), ins.keys

def expected_counts(src, target, calls):
    "Run the instrumented module and `calls` (code run in its namespace): per call, {position: count}; and what it did."
    code, keys = instrument(src, target)
    c = Counters()
    ns = {'__name__': '_tfo_instrumented', **runtime(c)}
    outcome = run_calls(code, ns, calls)
    per_call = []
    for cnt in c.calls:
        d = collections.Counter()
        for k, n in cnt.items(): d[keys[k]] += n
        per_call.append(dict(d))
    stray = collections.Counter()
    for k, n in c.stray.items(): stray[keys[k]] += n
    return per_call, outcome, dict(stray)

# --- running a program -----------------------------------------------------------------------------------------------

def run_calls(code, ns, calls):
    "Exec module `code` in `ns`, then the driver `calls` there: ('returned'|'raised', repr) and what was printed."
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try:
            if code is not None: exec(code, ns)
            try: r = ('returned', repr(eval(compile(calls, '<calls>', 'eval'), ns)))
            except SyntaxError:
                exec(compile(calls, '<calls>', 'exec'), ns)
                r = ('returned', 'None')
        except (Exception, BaseExceptionGroup) as e: r = ('raised', f'{type(e).__name__}: {e}')
    return r, out.getvalue()

_DIR = None
_N = [0]

def load(src, name=None):
    "Module source `src` written to a file and imported (the tracer reads its source through linecache)."
    global _DIR
    if _DIR is None: _DIR = Path(tempfile.mkdtemp(prefix='source-oracle-'))
    _N[0] += 1
    name = name or f'so_{_N[0]}'
    path = _DIR/f'{name}.py'
    path.write_text(src)
    spec = importlib.util.spec_from_file_location(name, path)
    m = importlib.util.module_from_spec(spec)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        spec.loader.exec_module(m)
    return m

def resolve(m, qualname):
    obj = m
    for part in qualname.split('.'): obj = getattr(obj, part)
    return obj

ALL = 10**6

def traced_counts(src, target, calls):
    "Run the original module's `calls` under `tracing(target, incl_unhit=True)`: its results, its index, what it did."
    m = load(src)
    fn = resolve(m, target)
    box = {}
    def run():
        with tracing(fn, incl_unhit=True, max_calls=ALL) as res:
            box['outcome'] = run_calls(None, m.__dict__, calls)
        return res
    res = run()
    return [d for _, d in res], func_index(fn.__code__), box['outcome']

@dataclasses.dataclass
class Diff:
    call: int
    key: str          # the tracer's key of the statement
    pos: tuple        # its position
    kind: str         # its AST node type (`comp` kinds too)
    expected: int     # the oracle's count
    got: object       # the tracer's count (None: absent from the results)
    def __str__(self): return f'call {self.call} {self.key.strip()!r} at {self.pos}: expected {self.expected}, got {self.got}'

@dataclasses.dataclass
class Comparison:
    diffs: list
    compared: int            # (call, statement) pairs compared
    ncalls: tuple            # (oracle, tracer)
    problems: list           # the instrumented and the traced runs behaved differently, the oracle found no key...
    outcome: tuple = ()      # what the instrumented run returned or raised, and printed
    def __bool__(self): return bool(self.diffs or self.problems)

# Before 3.14 no event tells whether a branch made of declarations only ran (`if c: global x` with no `else`): they
# compile to nothing, and the branch's jump reports the same event whether `c` held or not. From 3.14 on, CPython runs
# a `NOT_TAKEN` instruction where a jump falls through, and the branch is counted there; an `else:` of declarations
# only (the jump taken) has no such instruction on any Python, nor the last `case` of a `match` (several jumps). The tracer counts such statements only where certain:
# never (SPEC: a count is a fact). `unseen` finds them; `compare` checks that the tracer says 0 there.
BLIND = sys.version_info < (3, 14)

def _declarations(body): return bool(body) and all(isinstance(n, (ast.Global, ast.Nonlocal)) for n in body)

def unseen(tree):
    "Positions of the statements of `tree` whose runs no event of this Python shows (see `BLIND`)."
    out = set()
    for n in ast.walk(tree):
        constant = isinstance(n, ast.If) and (isinstance(n.test, ast.Constant) or isinstance(n.test, ast.Name) and n.test.id == '__debug__')
        if isinstance(n, ast.If) and not constant and _declarations(n.body) and (not n.orelse or _declarations(n.orelse)):
            if BLIND: out |= {(b.lineno, b.col_offset) for b in n.body}
            out |= {(b.lineno, b.col_offset) for b in n.orelse}
        elif isinstance(n, ast.TryStar) and BLIND:
            out |= {(b.lineno, b.col_offset) for h in n.handlers if _declarations(h.body) for b in h.body}
        elif isinstance(n, ast.Match) and n.cases and _declarations(n.cases[-1].body) and (
                n.cases[-1].guard is not None or not isinstance(n.cases[-1].pattern, ast.MatchAs) or n.cases[-1].pattern.pattern):
            # the last case, when it can fail, goes on after the match either way: on every Python, its pattern's jumps
            # (one per alternative, and the guard's) tell no more than an `if` whose test has `or` in it
            out |= {(b.lineno, b.col_offset) for b in n.cases[-1].body}
    return out

def compare(src, target='target', calls='main()'):
    """Counts of the instrumented module (run untraced) against those of `tracing` on the original: per call, every
    statement of the target's index (dead ones included: 0 expected; those no event shows, `unseen`: 0 too)."""
    want, w_out, stray = expected_counts(src, target, calls)
    hidden = unseen(ast.parse(src))
    got, index, g_out = traced_counts(src, target, calls)
    problems = []
    if w_out != g_out: problems.append(f'behaviour: instrumented {w_out!r}\n  traced {g_out!r}')
    if len(want) != len(got): problems.append(f'calls: the oracle saw {len(want)}, the tracer recorded {len(got)}')
    by_pos = {l.pos: l for l in index.lines}
    keys = {p for d in want for p in d} | set(stray)
    if keys - set(by_pos): problems.append(f'positions the index has no line for: {sorted(keys - set(by_pos))}')
    diffs, n = [], 0
    for c, (w, g) in enumerate(zip(want, got)):
        for l in index.lines:
            e, h = 0 if l.pos in hidden else w.get(l.pos, 0), g.get(l.key, (None,))[0]
            n += 1
            if e != h: diffs.append(Diff(c, l.key, l.pos, type(l.node).__name__ if l.kind == 'stmt' else type(l.node).__name__ + ' elt', e, h))
    return Comparison(diffs, n, (len(want), len(got)), problems, w_out)

# --- random programs -------------------------------------------------------------------------------------------------

PRELUDE = '''\
LOG = []
G = [0] * 4
''' + ''.join(f'G{i} = 0\n' for i in range(40)) + '''
class Ctx:
    "Lets exceptions through."
    def __enter__(self):
        return self
    def __exit__(self, typ, exc, tb):
        LOG.append('exit')
        return False

class Swallow:
    "Suppresses ValueError and ZeroDivisionError."
    def __enter__(self):
        return self
    def __exit__(self, typ, exc, tb):
        return typ is not None and issubclass(typ, (ValueError, ZeroDivisionError))

def boom(v):
    if v % 5 == 3:
        raise ValueError(v)
    if v % 7 == 4:
        raise KeyError(v)
    return v % 13 + 1

'''

@dataclasses.dataclass
class Flags:
    "Where a statement goes: what it may contain there."
    gen: bool = False         # in the target's own body, which is a generator (yield allowed)
    depth: int = 0
    loop: str = ''            # '' (no loop), 'loop' (break/continue allowed), 'nobreak' (`while True:` left only by return/raise)
    ret: bool = True          # return allowed (not in `finally`, not in an `except*` handler)
    var: str = 't'            # the function's int variable (`q` in nested functions)
    inner: bool = False       # in a nested function
    coded: bool = False       # only statements with bytecode, no dead code (to compare with LINE events)
    def sub(self, **kw): return dataclasses.replace(self, depth=self.depth + 1, **kw)

class Gen:
    "One program's random choices and its lines."
    def __init__(self, seed, coded=False):
        self.r, self.lines, self.globals, self.coded = random.Random(seed), [], 0, coded
    def emit(self, ind, text):
        for l in text.split('\n'): self.lines.append('    ' * ind + l)
    def cond(self, v='t'):
        k = self.r.randint(2, 5)
        return f'{v} % {k} == {self.r.randrange(k)}'
    def glob(self):
        "A fresh global name (declared once, used only after its declaration)."
        self.globals = (self.globals + 1) % 40
        return f'G{self.globals}'

def simple_coded(g, f):
    "A simple statement with bytecode (may raise)."
    v = f.var
    opts = [f'{v} += 1', f'{v} = ({v} * 7 + 3) % 101', f'u = {v} % 9', f'{v} += boom({v})', f'u = 12 // ({v} % 3)',
            f'LOG.append({v})', f'u = [boom(j) for j in range({v} % 4)]', f'u = sum(j for j in range({v} % 5) if j != 2)',
            f'u = {{j: 6 // (j - {v} % 3) for j in range(3)}}', f'u = [[k for k in range(j)] for j in range({v} % 3)]',
            f'G[{v} % 4] += 1']
    if not f.inner and not f.gen: opts.append(f't += target(t % 7, d + 1) if d < 1 else 0')   # recursion
    return g.r.choice(opts)

def simple_free(g, f):
    "A statement with no bytecode of its own."
    return g.r.choice(['pass', '...', '0', 'None', "'a string mid-body'", 'True', '-1'])

def simple(g, f):
    r = g.r
    if f.coded or r.random() < 0.55: return simple_coded(g, f)
    if r.random() < 0.7: return simple_free(g, f)
    if r.random() < 0.5: return f'global {g.glob()}'
    a, b = (simple_coded(g, f), simple_free(g, f)) if r.random() < 0.6 else (simple_free(g, f), simple_coded(g, f))
    if r.random() < 0.25: b = f'global {g.glob()}'
    return f'{a}; {b}'

def leave(g, f):
    "A statement that leaves its block (None if none is allowed here)."
    opts = ['raise ValueError(%s)' % f.var, 'raise KeyError(%s)' % f.var]
    if f.ret: opts += ['return ' + (f.var if not f.gen else 't')] * 2
    if f.loop: opts += ['continue'] * 2
    if f.loop == 'loop': opts += ['break'] * 2
    return g.r.choice(opts)

def block(g, ind, f, n=None):
    "One to three statements; the last may leave, with dead statements after it."
    for _ in range(n or g.r.randint(1, 3)): stmt(g, ind, f)
    if not f.coded and f.depth > 0 and g.r.random() < 0.25:
        g.emit(ind, leave(g, f))
        dead(g, ind, f)

def dead(g, ind, f):
    "Statements control cannot reach (a whole compound statement sometimes)."
    for _ in range(g.r.randint(1, 2)):
        if g.r.random() < 0.4: compound(g, ind, f.sub(), g.r.choice(['for', 'def', 'class', 'try', 'with', 'match', 'if', 'while']))
        else: g.emit(ind, simple(g, f))

def stmt(g, ind, f):
    r = g.r
    if f.depth >= 3 or r.random() < 0.4: return g.emit(ind, simple(g, f))
    kinds = ['if', 'if', 'for', 'while', 'whiletrue', 'try', 'try', 'with', 'match', 'oneline', 'const_if', 'breaks',
             'def', 'allleave']
    if not f.inner: kinds += ['class', 'trystar']
    if f.gen: kinds += ['yield', 'yield', 'ignore_exit']
    if f.coded: kinds = [k for k in kinds if k not in ('oneline', 'const_if', 'allleave', 'class', 'def', 'ignore_exit')]
    compound(g, ind, f, r.choice(kinds))

def compound(g, ind, f, kind):
    r, v = g.r, f.var
    if kind == 'if':
        g.emit(ind, f'if {g.cond(v)}:'); block(g, ind + 1, f.sub())
        while r.random() < 0.3: g.emit(ind, f'elif {g.cond(v)}:'); block(g, ind + 1, f.sub())
        if r.random() < 0.4: g.emit(ind, 'else:'); block(g, ind + 1, f.sub())
    elif kind == 'for':
        g.emit(ind, f'for i{f.depth} in range({r.randint(0, 3)}):'); block(g, ind + 1, f.sub(loop='loop'))
        if r.random() < 0.3: g.emit(ind, 'else:'); block(g, ind + 1, f.sub())
    elif kind == 'while':
        w = f'w{f.depth}'
        g.emit(ind, f'{w} = 0'); g.emit(ind, f'while {w} < {r.randint(1, 3)}:'); g.emit(ind + 1, f'{w} += 1')
        block(g, ind + 1, f.sub(loop='loop'))
        if r.random() < 0.3: g.emit(ind, 'else:'); block(g, ind + 1, f.sub())
    elif kind == 'whiletrue':   # left by break, or (no break: the code after it is dead) by return/raise
        w, brk = f'w{f.depth}', f.coded or r.random() < 0.6 or not f.ret
        g.emit(ind, f'{w} = 0'); g.emit(ind, 'while True:'); g.emit(ind + 1, f'{w} += 1')
        g.emit(ind + 1, f'if {w} > {r.randint(1, 3)}:')   # (first: a `continue` in the body cannot skip it)
        g.emit(ind + 2, 'break' if brk else r.choice([f'return {f.var if not f.gen else "t"}', f'raise ValueError({v})']))
        block(g, ind + 1, f.sub(loop='loop' if brk else 'nobreak'))
        if not brk: dead(g, ind, f)
    elif kind == 'try':
        one = not f.coded and r.random() < 0.3
        if one: g.emit(ind, f'try: {simple(g, f)}; {simple(g, f)}')
        else: g.emit(ind, 'try:'); block(g, ind + 1, f.sub())
        hs = r.sample(['except ValueError:', 'except (KeyError, ZeroDivisionError) as e:', 'except Exception:',
                       'except:', 'except ArithmeticError:'], r.choice([0, 1, 1, 2]))
        if 'except:' in hs: hs.remove('except:'); hs.append('except:')   # (a bare except must be last)
        for h in hs:
            g.emit(ind, h)
            if r.random() < 0.2: g.emit(ind + 1, 'raise')
            else: block(g, ind + 1, f.sub())
        if hs and r.random() < 0.3: g.emit(ind, 'else:'); block(g, ind + 1, f.sub())
        if not hs or r.random() < 0.4:
            if not f.coded and r.random() < 0.3: g.emit(ind, f'finally: {simple(g, f)}; {simple_free(g, f)}')
            else: g.emit(ind, 'finally:'); block(g, ind + 1, f.sub(loop='', ret=False), r.randint(1, 2))
    elif kind == 'trystar':   # (no yield inside: a GeneratorExit thrown there would leave as a BaseExceptionGroup)
        g.emit(ind, 'try:')
        if r.random() < 0.4: g.emit(ind + 1, f"raise ExceptionGroup('eg', [ValueError({v}), KeyError({v})])")
        else: block(g, ind + 1, f.sub(gen=False))
        for h in r.sample(['except* ValueError:', 'except* KeyError as eg:', 'except* ZeroDivisionError:'], r.randint(1, 2)):
            g.emit(ind, h)
            if r.random() < 0.3: g.emit(ind + 1, r.choice([f'raise KeyError({v})', f'{v} += boom({v})', 'u = 1 // 0']))
            else: block(g, ind + 1, f.sub(loop='', ret=False, gen=False))
        if r.random() < 0.3: g.emit(ind, 'finally:'); block(g, ind + 1, f.sub(loop='', ret=False), 1)
    elif kind == 'with':
        g.emit(ind, f"with {r.choice(['Ctx()', 'Swallow()', 'Ctx() as c, Swallow()'])}:"); block(g, ind + 1, f.sub())
    elif kind == 'match':
        g.emit(ind, f'match {v} % 4:')
        for p in r.sample(['case 0:', f'case 1 | 2 if {g.cond(v)}:', 'case 3:', f'case n if n > {r.randint(0, 3)}:',
                           'case 2:'], r.randint(1, 3)):
            g.emit(ind + 1, p); block(g, ind + 2, f.sub())
        if r.random() < 0.5: g.emit(ind + 1, 'case _:'); block(g, ind + 2, f.sub())
    elif kind == 'oneline':
        c = g.cond(v)
        opts = [f'if {c}: pass', f'if {c}: {simple(g, f)}; pass', f'for i{f.depth} in range({r.randint(0, 3)}): pass',
                f'for i{f.depth} in range({r.randint(0, 3)}): {simple(g, f)}', f'while {c}: break', 'with Ctx(): pass',
                f'with Swallow(): {simple(g, f)}; {simple(g, f)}', f'if {c}: {simple(g, f)}\nelse: {simple(g, f)}']
        g.emit(ind, r.choice(opts))
    elif kind == 'const_if':
        head = r.choice(['if True:', 'if False:', 'if 0:', 'while 0:', 'if __debug__:', 'if not __debug__:'])
        g.emit(ind, head); block(g, ind + 1, f.sub())
        if head.startswith('if') and r.random() < 0.4: g.emit(ind, 'else:'); block(g, ind + 1, f.sub())
    elif kind == 'breaks':
        g.emit(ind, f'for i{f.depth} in range({r.randint(1, 3)}):')
        g.emit(ind + 1, f'if {g.cond(v)}:'); g.emit(ind + 2, r.choice(['break', 'continue']))
        if not f.coded and r.random() < 0.5: dead(g, ind + 2, f.sub(loop='loop'))
        block(g, ind + 1, f.sub(loop='loop'))
        if r.random() < 0.4: g.emit(ind, 'else:'); block(g, ind + 1, f.sub())
    elif kind == 'allleave':   # an if/else or try whose branches all leave: what follows in the block is dead
        g.emit(ind, f'if {g.cond(v)}:')
        sf = f.sub()
        if r.random() < 0.5:
            g.emit(ind + 1, f'if {g.cond(v)}:'); g.emit(ind + 2, leave(g, sf)); g.emit(ind + 1, 'else:'); g.emit(ind + 2, leave(g, sf))
        else:
            g.emit(ind + 1, 'try:'); g.emit(ind + 2, simple(g, sf)); g.emit(ind + 2, leave(g, sf))
            g.emit(ind + 1, 'except ValueError:'); g.emit(ind + 2, leave(g, sf))
        dead(g, ind + 1, sf)
    elif kind == 'def':
        inner(g, ind, f)
    elif kind == 'class':
        g.emit(ind, f'class K{f.depth}:')
        if r.random() < 0.5: g.emit(ind + 1, "'a class docstring'")
        g.emit(ind + 1, f'a = {v} % 3'); g.emit(ind + 1, simple_free(g, f))
        if r.random() < 0.5: g.emit(ind + 1, 'b = [a + j for j in range(2)]')
        g.emit(ind + 1, 'def m(self, q):'); g.emit(ind + 2, 'q += self.a'); g.emit(ind + 2, 'return q')
        g.emit(ind, f'{v} += K{f.depth}().m({v})')
    elif kind == 'yield':
        g.emit(ind, r.choice(['yield t', 'yield from range(t % 3)', 'u = yield t']))
    elif kind == 'ignore_exit':   # closed once: GeneratorExit ignored (the driver closes it again)
        g.emit(ind, 'try:'); g.emit(ind + 1, 'try:'); g.emit(ind + 2, 'yield t')
        g.emit(ind + 1, 'except GeneratorExit:'); g.emit(ind + 2, r.choice(['pass', 't += 1', 't += 1; pass']))
        g.emit(ind + 1, 'yield t + 1')
        g.emit(ind, 'finally:'); g.emit(ind + 1, r.choice(['u = 3', 'u = 3; pass', 'pass', 'LOG.append(t)']))

def inner(g, ind, f):
    "A nested function (maybe a generator) using its own `q` and, after `nonlocal t`, the target's `t`; called at once."
    r = g.r
    gen = r.random() < 0.25
    g.emit(ind, f'def inner{f.depth}(q):')
    fi = Flags(depth=f.depth + 1, var='q', inner=True, coded=f.coded)
    if r.random() < 0.3: g.emit(ind + 1, "'a docstring'")
    if not f.coded and r.random() < 0.6 and not f.gen:
        how = r.choice(['first', 'branch', 'loop', 'semi'])
        if how == 'first': g.emit(ind + 1, 'nonlocal t')
        elif how == 'branch': g.emit(ind + 1, f'if {g.cond("q")}:'); g.emit(ind + 2, 'nonlocal t')
        elif how == 'loop':
            block(g, ind + 1, fi)
            g.emit(ind + 1, 'nonlocal t'); g.emit(ind + 1, f'for j in range({r.randint(0, 2)}):'); g.emit(ind + 2, 'q += j')
        else: g.emit(ind + 1, 'q += 1; nonlocal t')
        g.emit(ind + 1, 't += q % 3')
    block(g, ind + 1, fi)
    if gen: g.emit(ind + 1, 'yield q')
    if r.random() < 0.7: g.emit(ind + 1, 'return q')
    call = f'inner{f.depth}({f.var})'
    g.emit(ind, f'{f.var} += sum({call})' if gen else f'{f.var} += {call} or 0')

DRIVER = '''
def main():
    out = []
    for x in ARGS:
        try:
            out.append(target(x))
        except Exception as e:
            out.append(type(e).__name__)
    return out
'''
GEN_DRIVER = '''
def main():
    out = []
    for x in ARGS:
        g = target(x)
        try:
            if x % 4 == 0:
                out.append(list(g))
            else:
                out.append(next(g))
                if x % 4 == 1:
                    g.close()
                elif x % 4 == 2:
                    out.append(g.throw(ValueError(x)))
                else:
                    try:
                        g.close()
                    except RuntimeError as e:
                        out.append(str(e))
                    g.close()
        except Exception as e:
            out.append(type(e).__name__)
        for _ in range(3):
            try:
                g.close()
                break
            except Exception as e:
                out.append(type(e).__name__)
    return out
'''

def program(seed, coded=False):
    """Module source of random program `seed` (deterministic): `target(x, d=0)` and a driver `main()` calling it with
    several arguments. With `coded`, only statements with bytecode and no dead code (to check the oracle with LINE)."""
    g = Gen(seed, coded)
    gen = g.r.random() < 0.25
    g.lines += [f'"Source-oracle program {seed}{" (coded)" if coded else ""} (tests/source_oracle.py)."', PRELUDE]
    g.emit(0, 'def target(x, d=0):')
    if g.r.random() < 0.2: g.emit(1, "'the docstring'")
    if not coded and g.r.random() < 0.3: g.emit(1, f'global {g.glob()}')
    g.emit(1, 't = x'); g.emit(1, 'u = 0')
    f = Flags(gen=gen, coded=coded)
    block(g, 1, f, g.r.randint(2, 5))
    if gen: g.emit(1, 'yield t')
    g.emit(1, 'return t' if not gen else 'return')
    if not coded and g.r.random() < 0.3: dead(g, 1, f)
    g.emit(0, f'ARGS = {[g.r.randrange(12) for _ in range(g.r.randint(3, 6))]}')
    g.lines += (GEN_DRIVER if gen else DRIVER).split('\n')
    return '\n'.join(g.lines) + '\n'

# --- checking the oracle itself against CPython's LINE events ----------------------------------------------------------

def line_check(src, target='target', calls='main()'):
    """On a program whose statements all have bytecode: the oracle's counts against CPython's LINE events (see
    tests/transparency.py `LineOracle`, `comparable_lines`) for each statement a physical line holds alone, per call.
    Returns `(compared, differences)`."""
    import transparency as T
    want, w_out, _ = expected_counts(src, target, calls)
    m = load(src)
    fn = resolve(m, target)
    oracle = T.LineOracle(fn)
    oracle.start()
    try: out = run_calls(None, m.__dict__, calls)
    finally: oracle.stop()
    diffs = [] if out == w_out else [f'behaviour: instrumented {w_out!r}\n  plain {out!r}']
    per_call = oracle.per_call()
    if len(per_call) != len(want): return 0, diffs + [f'calls: oracle {len(want)}, LINE {len(per_call)}']
    pairs = T.comparable_lines(func_index(fn.__code__), fn.__code__, headers=True)
    n = 0
    for c, (w, lc) in enumerate(zip(want, per_call)):
        for l, ln in pairs:
            n += 1
            if w.get(l.pos, 0) != lc.get(ln, 0):
                diffs.append(f'call {c} {l.key.strip()!r} at {l.pos}: source {w.get(l.pos, 0)}, LINE {lc.get(ln, 0)}')
    return n, diffs

# --- reducing a difference to a small program ------------------------------------------------------------------------------

class Timeout(BaseException): pass   # (not an Exception: the programs catch those)

def _alarm(*_): raise Timeout()

_LEAVE = (ast.Return, ast.Raise, ast.Break, ast.Continue)

def _const(e):
    "The value of a constant test (`True`, `0`, `__debug__`, `not __debug__`), or None."
    if isinstance(e, ast.Constant): return bool(e.value)
    if isinstance(e, ast.Name) and e.id == '__debug__': return __debug__
    if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.Not) and (c := _const(e.operand)) is not None: return not c
    return None

def _breaks(stmts):
    "Does a `break` of this loop level appear in `stmts`?"
    for s in stmts:
        if isinstance(s, ast.Break): return True
        if isinstance(s, (ast.For, ast.AsyncFor, ast.While, *_FUNCS, ast.ClassDef)):
            if not isinstance(s, (*_FUNCS, ast.ClassDef)) and _breaks(s.orelse): return True
            continue
        for f in ('body', 'orelse', 'finalbody'):
            if _breaks(getattr(s, f, []) or []): return True
        for h in getattr(s, 'handlers', []) or []:
            if _breaks(h.body): return True
        for c in getattr(s, 'cases', []) or []:
            if _breaks(c.body): return True
    return False

def _leaves(s):
    "Why statement `s` never lets control reach the statement after it (by the source alone), or ''."
    if isinstance(s, _LEAVE): return f'after {type(s).__name__.lower()}'
    if isinstance(s, ast.If):
        c = _const(s.test)
        if (c is not False and _block_leaves(s.body)) and (c is True or (s.orelse and _block_leaves(s.orelse))):
            return 'after if/else that all leave'
        if c is False and s.orelse and _block_leaves(s.orelse): return 'after if/else that all leave'
    if isinstance(s, ast.Match) and s.cases and all(_block_leaves(c.body) for c in s.cases):
        last = s.cases[-1]
        if last.guard is None and isinstance(last.pattern, ast.MatchAs) and last.pattern.pattern is None:
            return 'after a match whose cases all leave'
    if isinstance(s, (ast.For, ast.AsyncFor, ast.While)) and s.orelse and _block_leaves(s.orelse) and not _breaks(s.body):
        return 'after a loop without break whose else leaves'
    if isinstance(s, (ast.Try, ast.TryStar)):
        if s.finalbody and _block_leaves(s.finalbody): return 'after try that all leaves'
        if (_block_leaves(s.body) or (s.orelse and _block_leaves(s.orelse))) and all(_block_leaves(h.body) for h in s.handlers):
            return 'after try that all leaves'
    if isinstance(s, ast.While) and _const(s.test) and not _breaks(s.body): return 'after while True without break'
    return ''

def _block_leaves(stmts): return any(_leaves(s) for s in stmts)

def dead_reason(tree, pos):
    "Why the statement at `pos` of module `tree` can never run, by the source alone ('' if it can)."
    def walk(stmts, why):
        for i, s in enumerate(stmts):
            before = next((r for r in map(_leaves, stmts[:i]) if r), '')
            w = why or before
            if (s.lineno, s.col_offset) == pos: return w or 'not reached in these calls'
            blocks = []
            if isinstance(s, (ast.If, ast.While)) and (c := _const(s.test)) is not None:
                blocks = [(s.body, w or ('' if c else 'in a constant-false body')), (s.orelse, w or ('in a constant-true else' if c and isinstance(s, ast.If) else ''))]
            else:
                blocks = [(getattr(s, f, None) or [], w) for f in ('body', 'orelse', 'finalbody')]
                blocks += [(h.body, w) for h in getattr(s, 'handlers', []) or []]
                blocks += [(c.body, w) for c in getattr(s, 'cases', []) or []]
            for h in getattr(s, 'handlers', []) or []:
                if (h.lineno, h.col_offset) == pos: return w or 'not reached in these calls'
            for c in getattr(s, 'cases', []) or []:
                if (c.pattern.lineno, c.pattern.col_offset) <= pos[:1] + (10**6,) and pos[0] == c.pattern.lineno: return w or 'not reached in these calls'
            for b, bw in blocks:
                if isinstance(b, list) and b and isinstance(b[0], ast.stmt):
                    r = walk(b, bw)
                    if r: return r
        return ''
    return walk(tree.body, '')

def category(d, tree=None):
    """What kind of difference `d` is: why the statement should not have run (when it should not: `dead_reason`), or
    'ran'; which way the tracer's count is off; the statement's node type."""
    how = 'absent' if d.got is None else 'over' if d.got > d.expected else 'under'
    why = (dead_reason(tree, d.pos) if tree is not None else 'dead') if d.expected == 0 else 'ran'
    if why.startswith(('after', 'in a')):   # (statically dead: the kind of statement matters less)
        return why, how, 'compound' if d.kind in _HEADS else 'simple'
    return why, how, d.kind

_HEADS = {'If', 'For', 'AsyncFor', 'While', 'With', 'AsyncWith', 'Try', 'TryStar', 'FunctionDef', 'AsyncFunctionDef',
          'ClassDef', 'Match', 'ExceptHandler', 'match_case'}

def _signature(d, tree): return d.key.strip(), category(d, tree)

def _check(src, seconds=5):
    "`compare(src)`, or None when `src` does not compile, runs too long or the oracle and the tracer ran it differently."
    try: compile(src, 'reduced', 'exec')
    except SyntaxError: return None
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)   # (again and again: a bare `except:` may catch one)
    try: r = compare(src)
    except Timeout: return None
    except Exception: return None
    finally: signal.setitimer(signal.ITIMER_REAL, 0)
    return None if r.problems else r

def _block_end(lines, i):
    "Index after line `i` and the lines indented under it."
    ind = len(lines[i]) - len(lines[i].lstrip())
    j = i + 1
    while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > ind): j += 1
    return j

def _candidates(lines, lo, hi):
    "Smaller variants of `lines` (changes between lines lo and hi only): a statement (and its block) gone, a `;` part gone, a header unwrapped."
    for i in range(lo, min(hi, len(lines))):
        l = lines[i]
        if not l.strip(): continue
        if re.fullmatch(r' *w\d+ \+= 1', l) and i and lines[i - 1].lstrip().startswith('while'): continue   # (a loop's counter stays)
        j = _block_end(lines, i)
        yield lines[:i] + lines[j:]
        parts = l.split('; ')
        for k in range(len(parts)):
            if len(parts) > 1: yield lines[:i] + ['; '.join(parts[:k] + parts[k + 1:])] + lines[i + 1:]
        if j > i + 1 and l.rstrip().endswith(':'):
            ind = l[:len(l) - len(l.lstrip())]
            k = j   # (with the clauses that follow it: `else:`, `except ...:`, `finally:`, `elif ...:`)
            while k < len(lines) and lines[k].startswith(ind) and lines[k][len(ind):].split(' ')[0].rstrip(':') in CLAUSES:
                k = _block_end(lines, k)
            dedent = [x[4:] if x.startswith('    ') else x for x in lines[i + 1:j]]
            yield lines[:i] + dedent + lines[j:]
            if k > j: yield lines[:i] + dedent + lines[k:]
        if l.lstrip().split(' ')[0].rstrip(':') in CLAUSES and j > i + 1:   # a clause gone, its header kept
            yield lines[:i] + lines[j:]

CLAUSES = ('else', 'elif', 'except', 'except*', 'finally')

def reduce(src, d, log=None):
    "Shrink program `src` while a difference like `d` (same statement text, same category) persists: the smallest source found."
    want = _signature(d, ast.parse(src))
    unbound = lambda r: repr(r.outcome).count('NameError') + repr(r.outcome).count('UnboundLocalError')
    limit = unbound(compare(src))
    def ok(r, cand):
        "Does the candidate still show the difference (same statement text, same category), failing on no more unbound names?"
        # (a reduction that makes the program fail on a name it no longer binds is no reproduction of the original)
        if r is None or unbound(r) > limit: return False
        tree = ast.parse(cand)
        return any(_signature(x, tree) == want for x in r.diffs)
    lines = src.split('\n')
    def span():
        lo = next(i for i, l in enumerate(lines) if l.startswith('def target'))
        hi = next(i for i, l in enumerate(lines) if l.startswith('ARGS ='))
        return lo + 1, hi
    changed = True
    while changed:   # the target's statements
        changed = False
        lo, hi = span()
        i = lo
        while i < hi:
            for cand in _candidates(lines, i, i + 1):
                if ok(_check('\n'.join(cand)), '\n'.join(cand)):
                    lines, changed = cand, True
                    if log: log(f'{len(lines)} lines')
                    break
            else: i += 1
            lo, hi = span()
    # fewer calls
    k = next(i for i, l in enumerate(lines) if l.startswith('ARGS ='))
    args = ast.literal_eval(lines[k][len('ARGS = '):])
    i = 0
    while i < len(args) and len(args) > 1:
        cand = lines[:k] + [f'ARGS = {args[:i] + args[i + 1:]}'] + lines[k + 1:]
        if ok(_check('\n'.join(cand)), '\n'.join(cand)): lines, args = cand, args[:i] + args[i + 1:]
        else: i += 1
    # the prelude's unused parts
    i = 1
    while not lines[i].startswith('def target'):
        if lines[i].strip() and not lines[i].startswith(' '):
            cand = lines[:i] + lines[_block_end(lines, i):]
            if ok(_check('\n'.join(cand)), '\n'.join(cand)):
                lines = cand
                continue
        i += 1
    out = '\n'.join(l for l in lines if l.strip() or True)
    while '\n\n\n\n' in out: out = out.replace('\n\n\n\n', '\n\n\n')
    return out

def show(src):
    "The interesting part of a (reduced) program: all but the driver, which is DRIVER or GEN_DRIVER."
    body = src.split('\ndef main():')[0].rstrip()
    lines = [l for l in body.split('\n')[1:]]
    kind = 'generator driver (GEN_DRIVER)' if 'g.throw' in src else 'driver (DRIVER)'
    return '\n'.join(lines).strip('\n') + f'\n# main(): the {kind}'

# --- the command line --------------------------------------------------------------------------------------------------------

def seeds(text):
    a, _, b = text.partition('-')
    return range(int(a), int(b or a) + 1)

def run(seed_range, coded=False, each=None):
    "Compare programs `seed_range`: (programs differing, statements compared, {category: [(seed, diff)]}, problems)."
    differing, compared, cats, problems = 0, 0, {}, []
    for s in seed_range:
        src = program(s, coded)
        try: r = compare(src)
        except BaseException as e:
            if isinstance(e, KeyboardInterrupt): raise
            problems.append((s, [f'compare failed: {type(e).__name__}: {e}']))
            continue
        compared += r.compared
        if r.problems: problems.append((s, r.problems))
        if r: differing += 1
        tree = ast.parse(src)
        for d in r.diffs: cats.setdefault(category(d, tree), []).append((s, d))
        if each: each(s, r)
    return differing, compared, cats, problems

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--seeds', default='0-199', help='a range of program seeds, e.g. 0-2000')
    ap.add_argument('--show', type=int, default=0, help='reduce and print the first difference of this many categories')
    ap.add_argument('--coded', action='store_true', help='programs with only statements that have bytecode, no dead code')
    ap.add_argument('--line-check', action='store_true', help='check the oracle against LINE events instead (coded programs)')
    a = ap.parse_args(argv)
    rng = seeds(a.seeds)
    if a.line_check:
        n, bad = 0, 0
        for s in rng:
            c, d = line_check(program(s, coded=True))
            n += c
            if d: bad += 1; print(f'program {s}:', *d[:5], sep='\n  ')
        print(f'Python {sys.version.split()[0]}: {len(rng)} coded programs, {n} (call, statement) counts compared with LINE events, {bad} programs differ')
        return
    differing, compared, cats, problems = run(rng, a.coded)
    print(f'Python {sys.version.split()[0]}: {len(rng)} programs, {differing} differ; {compared} (call, statement) counts compared, '
          f'{sum(map(len, cats.values()))} differ')
    for s, p in problems[:10]: print(f'problem in program {s}:', *p, sep='\n  ')
    print('differences by category (why it should not have run, or ran; the tracer count; statement kind): count, programs, first seed')
    for c, xs in sorted(cats.items(), key=lambda kv: -len(kv[1])):
        print(f'  {" / ".join(c):60} {len(xs):6} {len({s for s, _ in xs}):5}  seed {xs[0][0]}: {xs[0][1]}')
    for c, xs in sorted(cats.items(), key=lambda kv: -len(kv[1]))[:a.show]:
        s, d = xs[0]
        red = reduce(program(s, a.coded), d)
        r = compare(red)
        print(f'\n### {" / ".join(c)}: program {s}, reduced')
        print(show(red))
        print('# expected vs got:', *[str(x) for x in r.diffs[:8]], sep='\n#   ')

if __name__ == '__main__':
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
