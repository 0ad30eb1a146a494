"""Benchmark of tracefunc: how much slower does a workload run under `tracefunc` than untraced, and than the cheapest
`sys.monitoring` set-up that still calls Python once per executed line of the target (the "floor")?

    python bench/bench.py            # full run (a few minutes): the table of ratios, then peak memory
    python bench/bench.py --quick    # small sizes, few repetitions: proves the script works (< 20 s)

Every workload runs in one process in three modes, interleaved repetition by repetition (the order rotates), and each
ratio is the median over repetitions of the ratio of two runs measured side by side: on a noisy machine only such
ratios mean anything. Memory (tracemalloc) is measured in a separate pass after the timings, so that tracemalloc's
own cost does not distort them: the peak while a run goes on, and what is still allocated once it has returned (with the
cyclic gc off, so that whatever a reference cycle keeps alive shows up). The script always exits 0 unless tracefunc itself fails (a traced run that returns a
different result, or raises): missed targets are printed as MISS rows.
"""
import argparse, ast, asyncio, contextlib, difflib, gc, inspect, json, json.encoder, os, platform, statistics, subprocess, sys, textwrap, time, tracemalloc
from dataclasses import dataclass, field
import tracefunc as tracefunc_mod
from tracefunc import tracefunc
from tracefunc.indexer import nested_codes

def tracefunc_version():
    "The package version, plus the git commit (and '+dirty') when tracefunc is imported from a git work tree."
    v, d = tracefunc_mod.__version__, os.path.dirname(os.path.abspath(tracefunc_mod.__file__))
    try:
        git = lambda *a: subprocess.run(['git', '-C', d, *a], capture_output=True, text=True, timeout=10).stdout.strip()
        h = git('rev-parse', '--short', 'HEAD')
        if h: v += f' (git {h}{"+dirty" if git("status", "--porcelain", "--", d) else ""})'
    except (OSError, subprocess.SubprocessError): pass
    return v

M = sys.monitoring
E = M.events
PY313 = sys.version_info >= (3, 13)

# ---------------------------------------------------------------------------------------------------------------------
# The floor

def _noop_line(code, line): pass
def _noop_start(code, offset): pass

class Floor:
    "The cheapest `sys.monitoring` set-up that calls a no-op Python callback once per executed line of `func`'s code objects."
    # local LINE events on the target's code objects only (nested ones included); on 3.13 also PY_START, without which a
    # one-line body gets no LINE event (CPython gh-155992). No global events: code outside the target runs at full speed.
    events = E.LINE | (E.PY_START if PY313 else 0)

    def __init__(self, func): self.codes = nested_codes(func.__code__)   # the target's code objects, nested ones included

    def __enter__(self):
        self.tool = next(i for i in (3, 4, 5, 2, 1, 0) if M.get_tool(i) is None)
        M.use_tool_id(self.tool, 'tracefunc-bench-floor')
        M.register_callback(self.tool, E.LINE, _noop_line)
        if PY313: M.register_callback(self.tool, E.PY_START, _noop_start)
        for c in self.codes: M.set_local_events(self.tool, c, self.events)
        return self

    def __exit__(self, *exc):
        for c in self.codes: M.set_local_events(self.tool, c, 0)
        M.register_callback(self.tool, E.LINE, None)
        M.register_callback(self.tool, E.PY_START, None)
        M.free_tool_id(self.tool)

# ---------------------------------------------------------------------------------------------------------------------
# Workloads: plain functions, written as a user would, each with the arguments it is run with

def tight_loop(n):
    total = 0
    for i in range(n):
        if i % 3:
            total += i
        else:
            total -= 1
    return total


def tiny(x):
    y = x * 2
    return y + 1

@contextlib.contextmanager
def pure_json():
    "Make `json` encode with its pure-Python encoder (no C accelerator) inside the block."
    je = json.encoder
    saved = je.c_make_encoder, je.encode_basestring, je.encode_basestring_ascii
    je.c_make_encoder, je.encode_basestring, je.encode_basestring_ascii = None, je.py_encode_basestring, je.py_encode_basestring_ascii
    try: yield
    finally: je.c_make_encoder, je.encode_basestring, je.encode_basestring_ascii = saved

def library_heavy(doc, tree, paras, old, new):
    with pure_json(): text = json.dumps(doc)
    n = tiny(len(text))
    n += tiny(sum(1 for _ in ast.walk(tree)))
    n += tiny(sum(len(textwrap.fill(p, width=60)) for p in paras))
    n += tiny(len(list(difflib.unified_diff(old, new, lineterm=''))))
    return n

def library_args(scale):
    k = max(1, int(20 * scale))
    doc = [{'id': i, 'name': f'item {i}', 'tags': ['a', 'b', 'c'], 'score': i / 7, 'ok': i % 2 == 0, 'note': None}
           for i in range(40 * k)]
    with open(__file__, encoding='utf-8') as f: tree = ast.parse(f.read())
    paras = [' '.join(f'word{j}' for j in range(i % 50, i % 50 + 80)) for i in range(5 * k)]
    old = [f'line {i} {"x" * (i % 7)}' for i in range(60 * k)]
    new = [l.replace('3', 'three') if i % 11 == 0 else l for i, l in enumerate(old)]
    return doc, tree, paras, old, new


def score(word):
    total = 0
    for ch in word:
        total += ord(ch) * 31
    return total % 97

def many_calls(words):
    total = 0
    for w in words:
        total += score(w)
    return total


def comprehensions(data):
    squares = [x * x for x in data if x % 3]
    residues = {x % 1000 for x in data}
    labels = {x: str(x) for x in data}
    odd_sum = sum(x for x in data if x & 1)
    return len(squares) + len(residues) + len(labels) + odd_sum


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def large_locals(n, size):
    big = list(range(size))
    text = 'x' * (10 * size)
    table = dict.fromkeys(range(size // 10), 0)
    total = 0
    for i in range(n):
        total += big[i] + len(text) + table[i]
    return total


async def add_later(x):
    return x + 1

async def async_loop(n):
    total = 0
    for i in range(n):
        total = await add_later(total)
        if i % 50 == 0:
            await asyncio.sleep(0)
    return total


class Node:
    __slots__ = ('value', 'children')
    def __init__(self, value, children): self.value, self.children = value, children

def tree(depth, fan=4, start=0):
    "A complete `fan`-ary tree of `depth` levels below its root, values numbered depth first."
    kids, nxt = [], start + 1
    if depth:
        for _ in range(fan):
            kid = tree(depth - 1, fan, nxt)
            kids.append(kid); nxt = kid.value + size(depth - 1, fan)
    return Node(start, kids)

def size(depth, fan=4): return (fan ** (depth + 1) - 1) // (fan - 1)

def walk(node):
    yield node.value
    for child in node.children:
        yield from walk(child)

def walk_sum(root): return sum(walk(root))

def visit(node):
    total = node.value
    for child in node.children:
        total += visit(child)
    return total

def encode(records):
    with pure_json(): return len(''.join(json.encoder.JSONEncoder(indent=1).iterencode(records)))

def json_records(s):
    return ([{'id': i, 'name': f'item {i}', 'tags': ['a', 'b'], 'score': i / 7, 'ok': i % 2 == 0, 'sub': {'n': i, 'm': None}}
             for i in range(int(6000 * s))],)

def loop_in_loop(rows):
    total = 0
    for row in rows:
        for x in row:
            total += x
        total -= 1
    return total

def if_in_loop(n):
    total = 0
    for i in range(n):
        if i % 3 == 0:
            total += i
        total += 1
    return total

# ---------------------------------------------------------------------------------------------------------------------

@dataclass
class Workload:
    name: str
    fn: object                 # what runs (and what `tracefunc` is given)
    target: object             # `target_func` (None: `fn` itself)
    args: object               # scale -> args tuple, built once, outside the timings
    goal: str                  # 'traced/floor' or 'traced/untraced'
    limit: float
    calls: int = 1             # recorded calls expected in the trace
    size: object = None        # args -> a short description of the size, for the legend
    data: dict = field(default_factory=dict)

    @property
    def is_async(self): return inspect.iscoroutinefunction(self.fn)
    def untraced(self, args):
        r = self.fn(*args)
        return asyncio.run(r) if self.is_async else r
    def floor(self, args):
        with Floor(self.target or self.fn): return self.untraced(args)
    def traced(self, args):
        res = tracefunc(self.fn, *args, target_func=self.target)
        if res.exc is not None: raise RuntimeError(f'{self.name}: the traced run raised {res.exc!r}') from res.exc
        return res

WORKLOADS = [
    Workload('tight loop', tight_loop, None, lambda s: (int(200_000 * s),), 'traced/floor', 2.0,
             size=lambda a: f'{a[0]:,} iterations'),
    Workload('library-heavy', library_heavy, tiny, library_args, 'traced/untraced', 1.10, calls=4,
             size=lambda a: f'json of {len(a[0]):,} records, ast.walk of bench.py, {len(a[2])} paragraphs, diff of {len(a[3]):,} lines; tiny() called 4 times'),
    Workload('many calls', many_calls, score, lambda s: ([f'word{i:05d}-{"abc" * (i % 4)}' for i in range(int(10_000 * s))],),
             'traced/floor', 2.0, calls=10, size=lambda a: f'score() called {len(a[0]):,} times'),
    Workload('comprehensions', comprehensions, None, lambda s: (list(range(int(100_000 * s))),), 'traced/untraced', 3.0,
             size=lambda a: f'list/set/dict comprehension and generator expression over {len(a[0]):,} items'),
    Workload('recursion', fib, None, lambda s: (26 if s >= 1 else 16,), 'traced/floor', 2.0, calls=10,
             size=lambda a: f'fib({a[0]})'),
    Workload('large locals', large_locals, None, lambda s: (20, int(10**6 * s)), 'traced/untraced', 1.5,
             size=lambda a: f'{a[0]} iterations over a {a[1]:,}-element list, a {10 * a[1]:,}-character str, a {a[1] // 10:,}-key dict'),
    Workload('async', async_loop, None, lambda s: (int(80_000 * s),), 'traced/floor', 2.0,
             size=lambda a: f'{a[0]:,} awaits, asyncio.sleep(0) every 50'),
    Workload('generator walk', walk_sum, walk, lambda s: (tree(7 if s >= 1 else 3),), 'traced/floor', 2.0, calls=10,
             size=lambda a: f'recursive generator (yield from) over a tree of {sum(1 for _ in walk(a[0])):,} nodes'),
    Workload('json encoder', encode, json.encoder._make_iterencode, json_records, 'traced/floor', 2.0,
             size=lambda a: f'pure-Python JSONEncoder(indent=1).iterencode of {len(a[0]):,} records, traced through _make_iterencode'),
    Workload('visitor', visit, None, lambda s: (tree(8 if s >= 1 else 3),), 'traced/floor', 2.0, calls=10,
             size=lambda a: f'recursive visitor over a tree of {sum(1 for _ in walk(a[0])):,} nodes'),
    Workload('loop in loop', loop_in_loop, None, lambda s: ([[1, 2, 3]] * int(60_000 * s),), 'traced/floor', 2.0,
             size=lambda a: f'{len(a[0]):,} rows of 3'),
    Workload('if in loop', if_in_loop, None, lambda s: (int(200_000 * s),), 'traced/floor', 2.0,
             size=lambda a: f'{a[0]:,} iterations'),
]
MODES = ('untraced', 'floor', 'traced')

def timed(f, *a):
    gc.collect()
    t = time.perf_counter()
    f(*a)
    return time.perf_counter() - t

def check(w, args):
    "Warm up all three modes once, and check the traced run returns what the untraced one does."
    want = w.untraced(args)
    got_floor = w.floor(args)
    res = w.traced(args)
    if res.ret != want or got_floor != want:
        raise RuntimeError(f'{w.name}: untraced returned {want!r}, floor {got_floor!r}, traced {res.ret!r}')
    if len(res) != w.calls: raise RuntimeError(f'{w.name}: expected {w.calls} recorded calls, got {len(res)}')

def time_workload(w, args, reps):
    "Per mode, the run times of `reps` interleaved repetitions (the order of the modes rotates each repetition)."
    times = {m: [] for m in MODES}
    for r in range(reps):
        for m in MODES[r % 3:] + MODES[:r % 3]: times[m].append(timed(getattr(w, m), args))
    return times

def ratio(times, a, b): return statistics.median(x / y for x, y in zip(times[a], times[b]))

def memory(f, *a):
    """`(peak, kept)`: bytes allocated at the peak while `f(*a)` runs, and bytes still allocated once it has returned.
    The cyclic gc is off during the call, so `kept` shows what reference cycles keep alive until the next collection."""
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        f(*a)
        cur, top = tracemalloc.get_traced_memory()
        return top - base, cur - base
    finally:
        tracemalloc.stop()
        gc.enable()
        gc.collect()

def kib(b): return f'{b / 1024:,.0f}'

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--quick', action='store_true', help='small sizes and 3 repetitions: checks the script works, not the numbers')
    p.add_argument('--reps', type=int, help='repetitions per workload (default 15, 3 with --quick)')
    p.add_argument('--only', help='comma-separated workload names (default: all)')
    p.add_argument('--no-memory', action='store_true', help='skip the memory pass')
    o = p.parse_args(argv)
    scale, reps = (0.05, 3) if o.quick else (1.0, 15)
    if o.reps: reps = o.reps
    todo = WORKLOADS if not o.only else [w for w in WORKLOADS if w.name in o.only.split(',')]
    if not todo: p.error(f'--only: no workload named {o.only!r}; choose from {", ".join(w.name for w in WORKLOADS)}')

    print(f'tracefunc benchmark: Python {platform.python_version()}, {platform.machine()}, {platform.system()}, '
          f'{os.cpu_count()} cores; {"quick" if o.quick else "full"} mode, {reps} interleaved repetitions, medians of per-repetition ratios')
    print(f'tracefunc {tracefunc_version()} from {os.path.dirname(tracefunc_mod.__file__)}')
    print('floor = local LINE events' + (' + PY_START' if PY313 else '') + ' on the target\'s code objects, no-op Python callback\n')
    hdr = f'{"workload":<16}{"untraced ms":>12}{"floor/untr":>11}{"traced/untr":>12}{"traced/floor":>13}   {"target":<25}result'
    print(hdr); print('-' * len(hdr))
    misses = 0
    for w in todo:
        args = w.data['args'] = w.args(scale)
        check(w, args)
        t = time_workload(w, args, reps)
        r = {'floor/untraced': ratio(t, 'floor', 'untraced'), 'traced/untraced': ratio(t, 'traced', 'untraced'),
             'traced/floor': ratio(t, 'traced', 'floor')}
        ok = r[w.goal] <= w.limit
        misses += not ok
        print(f'{w.name:<16}{statistics.median(t["untraced"]) * 1e3:>12.1f}{r["floor/untraced"]:>11.2f}'
              f'{r["traced/untraced"]:>12.2f}{r["traced/floor"]:>13.2f}   {w.goal + " <= " + str(w.limit):<25}'
              f'{"PASS" if ok else "MISS  <<<"}', flush=True)

    if not o.no_memory:
        print(f'\nmemory (tracemalloc, separate pass, cyclic gc off during each run), KiB: peak while running, and still '
              f'allocated after the run returned (what cycles keep alive until the next gc)')
        mh = f'{"workload":<16}{"peak untr":>12}{"peak traced":>12}{"traced-untr":>13}{"kept untr":>12}{"kept traced":>12}'
        print(mh); print('-' * len(mh))
        notes = []
        for w in todo:
            (a, ka), (b, kb) = memory(w.untraced, w.data['args']), memory(w.traced, w.data['args'])
            print(f'{w.name:<16}{kib(a):>12}{kib(b):>12}{kib(b - a):>13}{kib(ka):>12}{kib(kb):>12}', flush=True)
            if kb - ka > 2**20:
                notes.append(f'note: traced {w.name} left {(kb - ka) / 2**20:,.1f} MiB for the cyclic gc; freeing it happens outside '
                             f'the timings (gc.collect() runs before each timed run), so its traced ratios look better than they are')
        for n in notes: print(n)
        n1, n2 = (10_000, 100_000) if o.quick else (100_000, 1_000_000)
        tracefunc(tight_loop, 10)   # index tight_loop first (the index is cached): only the run itself is measured
        m1, m2 = memory(tracefunc, tight_loop, n1)[0], memory(tracefunc, tight_loop, n2)[0]
        ok = m2 <= 1.10 * m1
        misses += not ok
        print(f'\ntight loop peak memory traced: {n1:,} iterations {kib(m1)} KiB, {n2:,} iterations {kib(m2)} KiB, '
              f'ratio {m2 / m1:.2f}   target <= 1.1   {"PASS" if ok else "MISS  <<<"}')
    print('\nsizes: ' + '; '.join(f'{w.name}: {w.size(w.data["args"])}' for w in todo))
    print(f'\n{misses} target(s) missed' + (' (quick mode: sizes too small for the numbers to mean anything)' if o.quick else ''))
    return 0

if __name__ == '__main__': sys.exit(main())
