"""Run one of CPython's own test modules untraced and traced with a stdlib function as the target (run in a subprocess
by tests/test_stdlib_suites.py). Writes JSON to the file named by `--out`:

- `outcomes`: per run (`untraced`, `cap1`, `cap3`, `every`, `untraced again`), each test's outcome by test id
  (`ok`, `fail`, `error`, `skip`, `xfail`, `xpass`; subtests by their own ids), with the message of failures and errors;
- `calls`: calls recorded per traced run; `invariant`: sample lists whose length is not min(hits, max_samples);
- `lines`: for the run that records every call (with another tool counting LINE events on the target's code objects,
  `transparency.LineOracle`), the hits summed over calls of each statement a physical line holds alone, and the LINE
  events at that line summed over calls (corrected as in tests/test_transparency.py; on 3.12 the lines with a jump
  target in their middle are left out).

    python tests/stdlib_suite_run.py --suite test.test_textwrap --target textwrap:wrap --out result.json [--reprs builtin]
"""
import argparse, contextlib, importlib, io, json, os, sys, unittest
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

class Outcomes(unittest.TestResult):
    "Every test's outcome, by id (subtests by theirs)."
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.by_id = {}
    def _note(self, test, what, err=None):
        msg = '' if err is None else f'{err[0].__name__}: {str(err[1])[:300]}'
        self.by_id[test.id()] = (what, msg)
    def addSuccess(self, test): super().addSuccess(test); self.by_id.setdefault(test.id(), ('ok', ''))
    def addFailure(self, test, err): super().addFailure(test, err); self._note(test, 'fail', err)
    def addError(self, test, err): super().addError(test, err); self._note(test, 'error', err)
    def addSkip(self, test, reason): super().addSkip(test, reason); self._note(test, 'skip')
    def addExpectedFailure(self, test, err): super().addExpectedFailure(test, err); self._note(test, 'xfail')
    def addUnexpectedSuccess(self, test): super().addUnexpectedSuccess(test); self._note(test, 'xpass')
    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None: self._note(subtest, 'fail' if issubclass(err[0], test.failureException) else 'error', err)

def run_suite(name):
    "Run test module `name` once; its outcomes by test id (what it prints is swallowed)."
    suite = unittest.defaultTestLoader.loadTestsFromName(name)
    res = Outcomes()
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        suite.run(res)
    return res.by_id

def resolve(spec):
    "`module:Qual.name` -> the function."
    mod, _, qual = spec.partition(':')
    obj = importlib.import_module(mod)
    for part in qual.split('.'): obj = getattr(obj, part)
    while getattr(obj, '__code__', None) is None and hasattr(obj, '__wrapped__'):
        obj = obj.__wrapped__   # (functools.lru_cache wrappers, as urlsplit: resolve_target unwraps them since aa4d637)
    from tracefunc.indexer import resolve_target
    return resolve_target(obj)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--suite', required=True); ap.add_argument('--target', required=True); ap.add_argument('--out', required=True)
    ap.add_argument('--caps', default='1,3')
    ap.add_argument('--reprs', default='all', help="tracing's reprs: 'builtin' calls no __repr__ of the code under test")
    a = ap.parse_args()
    from tracefunc import tracing
    from tracefunc.indexer import func_index
    import transparency as T
    func = resolve(a.target)
    out = {'outcomes': {}, 'calls': {}, 'invariant': {}, 'lines': None}
    out['outcomes']['untraced'] = run_suite(a.suite)
    runs = [(f'cap{c}', int(c)) for c in a.caps.split(',')] + [('every', T.ALL)]
    for name, cap in runs:
        oracle = T.LineOracle(func) if name == 'every' else None
        if oracle: oracle.start()
        try:
            with tracing(func, max_calls=cap, reprs=a.reprs) as res: out['outcomes'][name] = run_suite(a.suite)
        finally:
            if oracle: oracle.stop()
        out['calls'][name] = len(res)
        out['invariant'][name] = [f'{k!r} {n}: {h} hits, {len(s)} samples' for _, d in res
                                  for k, (h, names) in d.items() for n, s in names.items() if len(s) != min(h, 10)][:20]
        if oracle:
            pairs = T.comparable_lines(func_index(func.__code__), func.__code__)
            hits, line = {}, {}
            per = oracle.per_call()
            for l, n in pairs:
                hits[l.key] = sum(d.get(l.key, (0,))[0] for _, d in res)
                line[l.key] = sum(c.get(n, 0) for c in per) + oracle.stray.get(n, 0)   # (stray: frames of no call)
            out['lines'] = {'hits': hits, 'line': line, 'calls_seen': len(per)}
    out['outcomes']['untraced again'] = run_suite(a.suite)
    with open(a.out, 'w') as f: json.dump(out, f)

if __name__ == '__main__': main()
