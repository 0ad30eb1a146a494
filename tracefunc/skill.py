"""Run a Python function, or a program or test run that calls it, and see, statement by statement, how often each line ran and what its names held. Read this before debugging a loop, a branch, a wrong value, a crash or a failing test in Python code, or to read a trace's report.

This page is the usage guide that ships with the package for tools and language models: `tracefunc.skill` is
registered as a [pyskill](https://pypi.org/project/pyskills/) (entry point group `pyskills`), and its docstring is
this page's exported prose. `from tracefunc.skill import *` gives `tracefunc`, `tracing`, `TraceResults`,
`trace_diff` and `to_json`; read `doc()` of each before first use.

## When to reach for the tracer

Use it when you need to know what happened *inside* a function on one run: why a loop ran the wrong number of
times, why a branch fired or did not, where a value went wrong, what the state was just before a crash, or how
unfamiliar code behaves on a real input. One call replaces a round of print statements or a debugger session:
every statement of the function with its hit count and samples of the values its names held after it ran.

When the function gets its input from a program or a test rather than from you, trace it where it runs: a
failing test whose cause is inside a function is `pytest --tracefunc module:function` (the failing test's report
then ends with that function's trace), and a program that goes wrong is
`python -m tracefunc -t module:function script.py ARGS`. No code needs editing, and nothing has to be retyped as
arguments.

It is not a profiler (the traced function runs a few times slower; code outside it runs at full speed) and it
needs Python source: C functions and code made by `exec` without a file cannot be traced. Python 3.12+.

## Ways to run it

- Python: `res = tracefunc(f, *args, **kwargs)` runs `f` once; `print(res)` shows the report. `target_func=g`
  records the calls of `g` made during the run instead (each with its stack), `incl_unhit=True` also lists the
  lines that never ran. An exception is caught into `res.exc`: a crash is normal use. For other limits (10 calls,
  10 samples a line, 50 characters a value by default), for code you run yourself, or for `await`:
  `with tracing(g, max_calls=20, max_samples=5, keep='last') as res: ...`. Values are described with their own
  `repr`; for code whose `__repr__` has side effects (fills a cache), `tracing(g, reprs='builtin')` calls none
  (its objects then show as `<module.Class object>`).
- Jupyter: `%load_ext tracefunc`, then `%tracefunc f(args)`, `%%tracefunc` (the cell itself) or
  `%%tracefunc g` (the calls of `g` the cell makes); options `-n N`, `--samples N`, `--unhit`. The trace is
  displayed and kept in `_trace`; otherwise the cell behaves as without the magic (its value is `Out[n]`, `await`
  works, an exception is raised after the partial trace). Locations in a notebook read `Cell In[4], line 2`.
- Shell, one call: `python -m tracefunc path/to/file.py:func ARGS... [-t NAME] [--unhit] [--json]`, each argument
  a Python literal (`6`, `"'text'"`, `"[1, 2]"`) or `name=literal`. Exit status 0 if it returned, 1 if it raised,
  2 for a mistake in the command line.
- Shell, a program: `python -m tracefunc -t TARGET [-t TARGET ...] script.py ARGS...` (or `... -m module ARGS...`)
  runs the program exactly as `python script.py ARGS...` would (same output, same exit status) and, when it ends,
  writes each TARGET's report to stderr (`-o FILE` for a file, `--json` for a list of `to_dict()` objects).
  TARGET is `package.module:Qualname` (`json.encoder:JSONEncoder.encode`), `path/to/file.py:Qualname`, or a bare
  `Qualname` of the script; it is armed as soon as its code exists, so functions of modules imported later, and
  calls made while a module is imported, are traced too. Options `-n/--calls N`, `--samples N`,
  `--keep first|last|ends`, `--width N`, `--unhit`. Child processes are not traced.
- pytest: `pytest --tracefunc TARGET [--tracefunc TARGET ...]` (TARGET as above, with its module or file) traces
  each target during each test (setup, call and teardown). `--tracefunc-calls N` and `--tracefunc-samples N` set
  the limits per test; `--tracefunc-json DIR` writes each traced test's traces to `DIR/<test id>.json`.

## Reading a report

`python -m tracefunc examples/demo.py:collatz_steps 6` (or `print(tracefunc(collatz_steps, 6))`) prints:

```
collatz_steps (examples/demo.py:9): 1 call
1×  steps = 0              # steps = 0
9×  while n != 1:          # n = 6 → 3 → 10 → 5 → 16 … 1
8×      if n % 2:          # n = 6 → 3 → 10 → 5 → 16 … 2
2×          n = 3 * n + 1  # n = 10 → 16
        else:
6×          n //= 2        # n = 3 → 5 → 8 → 4 → 2 → 1
8×      steps += 1         # steps = 1 → 2 → 3 → 4 → 5 … 8
1×  return steps           # steps = 8

Returned 8
```

- The first line names the function, where it is defined, and how many calls were recorded.
- Each line is one statement, in source order, indented by nesting; the statements of a one-line body
  (`if n % 2: n = 3 * n + 1`) get lines of their own. `else:` and `finally:` are shown for context, without a count.
- `9×` is how many times the statement started. A loop header counts every check, so a loop of 8 iterations shows
  9: the last check is the one that ended it.
- `# n = 6 → 3 → 10 …` are the values a name held *after* the line ran, in order: a value that never changed is
  shown once, repeats are collapsed, and a long sequence shows its first values, `…`, and its last sample.
  `(first 10 of 120 hits)` means the line ran more often than it was sampled: later values are not in the trace.
- Names that only ever held the same builtin, module, class or function are left out; `res.report(full=True)`
  shows every name and every sample.
- `↳ [x * 2 for x in xs]` is a comprehension or generator expression, counted once per element it produced.
- `·` and `# unhit` mark a line that never ran (only listed with `incl_unhit=True` or `--unhit`);
  `<unavailable>` is a name with no value after the line, such as the target of an assignment that raised.
- The report ends with `Returned <repr>` or `Raised ExcType: message`; after a raise, the last lines with counts
  show how far the run got.
- With `target_func`, each recorded call is a block headed `── call 2 of 3: caller (file:line) → target (file:line)`.
- `⚠ trace incomplete: ...` under the first line means the tracer itself failed during the run: it turned itself
  off, the program ran on unchanged, and the trace is complete only up to the event and place that line names
  (also `res.incomplete`, and `incomplete` in `to_dict()`). Report it as a tracefunc bug.

## Debugging with it

1. Trace the failing input and read the counts first: a branch that ran 0 times or a loop that ran once too
   often usually is the bug. Then follow one name's values down the lines to where it goes wrong.
2. Compare with an input that works: `good.diff(bad)` lists only the lines whose counts or values differ
   (`-` the first trace, `+` the second, `(not run)` for a line that ran in one only), and the outcomes.
3. For a tool, keep the data rather than the text: `res.to_dict()` (or `--json`) is plain JSON with the calls,
   their stacks, each line's `key`, `lineno`, `depth`, `hits` and `names` (`[type, repr]` samples), the `exception`
   and the `returned` value (and `incomplete`, see above); `doc(tracefunc.format)` gives the schema, and
   `format_text` turns saved data back into the report.

Values are `repr`s cut to 50 characters, taken after each of the first 10 hits of a line: enough to see a pattern,
not a copy of the objects. Tracing changes nothing in the traced code, and the same run traced twice gives the
same trace.

## A failing test

When a test fails and the cause is inside a function it calls, rerun that test with the function as target, e.g.
`pytest examples/shop_checks.py --tracefunc pricing:discount`. A test that called the target gets a section named
`tracefunc TARGET`; pytest prints it under the failing test's traceback, like captured output (add `-rA` to see the
sections of passing tests too):

```
    def test_half_price():
>       assert checkout([80, 40], 'HALF') == 60.0
E       AssertionError: assert 54.0 == 60.0
E        +  where 54.0 = checkout([80, 40], 'HALF')

examples/shop_checks.py:11: AssertionError
-------------------------- tracefunc pricing:discount --------------------------
discount (examples/pricing.py:3): 1 call

── call 1 of 1: test_half_price (examples/shop_checks.py:11) → checkout (examples/shop.py:12) → discount (examples/pricing.py:3)
1×  rate = {'SAVE10': 0.10, 'HALF': 0.50}.get(code, 0)  # rate = 0.5; code = 'HALF'
1×  if total > 100:                                   # total = 120
1×      rate += 0.05                                  # rate = 0.55
1×  return round(total * (1 - rate), 2)               # total = 120; rate = 0.55
================================== tracefunc ===================================
pricing:discount: called in 2 of 2 tests
```

- The section is the report described above, one per target the test called; a test that never called the
  target has no section.
- Each `── call` line is the call's stack, starting at the test function (or the fixture that made the call):
  here the test called `checkout`, which called `discount`. Calls made during the test's setup and teardown are
  in the same section.
- Read it as any report: `rate += 0.05` ran once and took `rate` from `0.5` to `0.55`, so the half price also got
  the large-order bonus: the bug is that line, not the test.
- The `tracefunc` summary at the end says how many tests called each target, and names a target that no test
  called or that could not be found (a typo in the name, a module never imported); it never fails the run.
- For a tool: `--tracefunc-json DIR` writes the same traces as JSON, one file per test that called a target.

Docs: https://example.github.io/tracefunc/skill.html.md"""

# AUTOGENERATED! DO NOT EDIT! File to edit: ../nbs/08_skill.ipynb.

# %% auto #0
__all__ = ['tracefunc', 'tracing', 'TraceResults', 'trace_diff', 'to_json']

# %% ../nbs/08_skill.ipynb #645e4d21
from .session import tracefunc, tracing, TraceResults
from .format import trace_diff, to_json
_all_ = ['tracefunc', 'tracing', 'TraceResults', 'trace_diff', 'to_json']
