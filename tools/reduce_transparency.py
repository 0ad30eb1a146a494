"""Shrink a failing transparency program (tests/transparency.py) to a small one that still fails the same check.

    python tools/reduce_transparency.py SEED CHECK [CONFIG] [--match TEXT]

CHECK is one of behaviour, invariant, lines, limits, life (see tests/test_transparency.py); CONFIG is a configuration
index of test_transparency.CONFIGS, or `reference` / `every` (default: reference). `--match TEXT` keeps only
reductions whose problems still mention TEXT (so that shrinking does not slide to another bug). The reduction deletes
statements of `target` and replaces compound statements by one of their blocks while the check still fails, then
lowers the number of calls `main` makes; it prints the reduced module's `target` and `main`.
"""
import argparse, ast, copy, itertools, pathlib, re, signal, sys, tempfile
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent/'tests'))
import transparency as T
import test_transparency as TT

_DIR = pathlib.Path(tempfile.mkdtemp(prefix='reduce-'))
_N = [0]

class Timeout(Exception): pass

def _alarm(*_): raise Timeout()

def problems(src, kind, check, limits):
    "The problems check `check` finds in module source `src` (a fresh module each time); None if it is no program."
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(10)   # (a reduction made a loop endless)
    try: return _problems(src, kind, check, limits)
    except Timeout: return None
    finally:
        signal.alarm(0)
        T.forget()   # (the index cache keeps every module alive: the heap would grow with each candidate)

def _problems(src, kind, check, limits):
    _N[0] += 1
    try: m = T.load_source(src, f'red_{_N[0]}', _DIR, kind)
    except Exception: return None   # not a valid program any more
    plain = T.observe(m)
    oracle = check == 'lines'
    ref = T.traced_run(m, 'reference', TT.REF, oracle)
    t = ref if limits is TT.REF else T.traced_run(m, 'config', limits, oracle)
    if check == 'behaviour': return T.behaviour_problems(plain, t)
    if check == 'invariant': return T.invariant_problems(t)
    if check == 'lines': return T.line_problems(m, t)
    if check == 'limits': return [] if T.behaviour_problems(plain, ref) or T.behaviour_problems(plain, t) else T.limits_problems(ref, t)
    if check == 'life': return T.life_problems(plain, t)
    raise ValueError(check)

def bodies(node):
    "Every statement list under `node` (its blocks, their blocks, ...): (owner, field)."
    for n in ast.walk(node):
        for f in ('body', 'orelse', 'finalbody'):
            if isinstance(getattr(n, f, None), list) and getattr(n, f) and isinstance(getattr(n, f)[0], ast.stmt):
                yield n, f
        if isinstance(n, ast.Try):
            for h in n.handlers: yield h, 'body'

def target_of(tree): return next(n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == 'target')

def _apply(how, s, block, i):
    "Apply reduction `how` to statement `s` (= block[i]); False if it does not apply."
    if how == 'drop': block[i:i + 1] = []
    elif how in ('body', 'orelse', 'finalbody'):
        sub = getattr(s, how, None)
        if not isinstance(sub, list) or not sub or not isinstance(sub[0], ast.stmt): return False
        block[i:i + 1] = sub
    elif how == 'handler':
        if not isinstance(s, ast.Try) or not s.handlers or (len(s.handlers) == 1 and not s.finalbody): return False
        s.handlers.pop(0)
        if not s.handlers: s.orelse = []
    elif how == 'noelse':
        if not isinstance(s, (ast.Try, ast.If, ast.For, ast.While)) or not s.orelse: return False
        s.orelse = []
    elif how == 'nofinal':
        if not isinstance(s, ast.Try) or not s.finalbody or not s.handlers: return False
        s.finalbody = []
    elif how == 'oneitem':
        if not isinstance(s, ast.With) or len(s.items) < 2: return False
        s.items.pop(0)
    if not block: block.append(ast.Pass())
    return True

HOWS = ('drop', 'body', 'orelse', 'finalbody', 'handler', 'noelse', 'nofinal', 'oneitem')

def candidates(tree):
    "Smaller variants of `tree`: one statement gone, or a compound statement replaced by one of its blocks."
    tgt = target_of(tree)
    k_tgt = tree.body.index(tgt)
    spots = lambda t: [(o, f, i) for o, f in bodies(t) for i in range(len(getattr(o, f)))]
    for k, (o, f, i) in enumerate(spots(tgt)):
        if o is tgt and f == 'body' and i == 0: continue   # keep `_calls.append(...)`: calls are counted
        if re.fullmatch(r'w\d+ \+= 1', ast.unparse(getattr(o, f)[i])): continue   # a while loop's counter
        for how in HOWS:
            if not _apply(how, copy.deepcopy(getattr(o, f)[i]), list(getattr(o, f)), i): continue   # (a dry run)
            t2 = copy.deepcopy(tgt)
            o2, f2, i2 = spots(t2)[k]
            block = getattr(o2, f2)
            s = block[i2]
            _apply(how, s, block, i2)
            mod = ast.Module(body=tree.body[:k_tgt] + [t2] + tree.body[k_tgt + 1:], type_ignores=[])
            try: src = ast.unparse(ast.fix_missing_locations(mod)); compile(src, 'x', 'exec')
            except SyntaxError: continue
            yield f'{how} {type(s).__name__} at {s.lineno}', src

def fewer_calls(src):
    "Variants of `src` whose `main` loops over fewer values of x, or makes no last call."
    for m in re.finditer(r'range\((\d+)\)', src[src.index('def main'):]):
        n = int(m.group(1))
        for k in sorted({1, 2, n // 2, n - 1}):
            if 0 < k < n:
                a = src.index('def main') + m.start(1)
                yield f'range({k})', src[:a] + str(k) + src[a + len(m.group(1)):]
    for m in re.finditer(r'if True else', src): yield 'no last call', src[:m.start()] + 'if False else' + src[m.end():]

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('seed', type=int); ap.add_argument('check'); ap.add_argument('config', nargs='?', default='reference')
    ap.add_argument('--match', default=None)
    a = ap.parse_args()
    limits = TT.REF if a.config == 'reference' else TT.EVERY_CALL if a.config == 'every' else TT.CONFIGS[int(a.config)]
    src, kind, traced = T.program(a.seed)
    ok = lambda p: bool(p) and (a.match is None or any(a.match in x for x in p))
    first = problems(src, kind, a.check, limits)
    if not ok(first): sys.exit(f'program {a.seed} does not fail {a.check} with {limits}')
    src = ast.unparse(ast.parse(src))
    changed = True
    while changed:
        changed = False
        for what, cand in itertools.chain(candidates(ast.parse(src)), fewer_calls(src)):
            if cand == src: continue   # (dropping a lone `pass` puts it back)
            p = problems(cand, kind, a.check, limits)
            if p is not None and ok(p):
                src, changed = cand, True
                print('  kept:', what, file=sys.stderr)
                break
    tree = ast.parse(src)
    keep = [n for n in tree.body if getattr(n, 'name', '') in ('target', 'main', 'amain')]
    print(f'# program {a.seed} ({kind}, traced {traced}) reduced, check {a.check}, {limits}')
    print('\n\n'.join(ast.unparse(n) for n in keep))
    print('# problems:\n# ' + '\n# '.join('\n'.join(problems(src, kind, a.check, limits)[:6]).split('\n')))
    out = _DIR/f'reduced_{a.seed}_{a.check}.py'
    out.write_text(src)
    print(f'# the whole module: {out}')

if __name__ == '__main__': main()
