"""Run a Python function and see, statement by statement, how often each line ran and what its names held. Read this before debugging a loop, a branch, a wrong value or a crash in Python code you can call, or to read a trace's report.

This page is the usage guide that ships with the package for tools and language models: `tracefunc.skill` is
registered as a [pyskill](https://pypi.org/project/pyskills/) (entry point group `pyskills`), and its docstring is
this page's exported prose. `from tracefunc.skill import *` gives `tracefunc`, `tracing`, `TraceResults`,
`trace_diff` and `to_json`; read `doc()` of each before first use.

## When to reach for the tracer

Use it when you need to know what happened *inside* a function on one run: why a loop ran the wrong number of
times, why a branch fired or did not, where a value went wrong, what the state was just before a crash, or how
unfamiliar code behaves on a real input. One call replaces a round of print statements or a debugger session:
every statement of the function with its hit count and samples of the values its names held after it ran.

It is not a profiler (the traced function runs a few times slower; code outside it runs at full speed) and it
needs Python source: C functions and code made by `exec` without a file cannot be traced. Python 3.12+.

## Three ways to run it

- Python: `res = tracefunc(f, *args, **kwargs)` runs `f` once; `print(res)` shows the report. `target_func=g`
  records the calls of `g` made during the run instead (each with its stack), `incl_unhit=True` also lists the
  lines that never ran. An exception is caught into `res.exc`: a crash is normal use. For other limits (10 calls,
  10 samples a line, 50 characters a value by default), for code you run yourself, or for `await`:
  `with tracing(g, max_calls=20, max_samples=5, keep='last') as res: ...`.
- Jupyter: `%load_ext tracefunc`, then `%tracefunc f(args)`, `%%tracefunc` (the cell itself) or
  `%%tracefunc g` (the calls of `g` the cell makes); options `-n N`, `--samples N`, `--unhit`. The trace is
  displayed as a table and kept in `_trace`.
- Shell: `python -m tracefunc path/to/file.py:func ARGS... [--target NAME] [--unhit] [--json]`, each argument a
  Python literal (`6`, `"'text'"`, `"[1, 2]"`) or `name=literal`. Exit status 0 if it returned, 1 if it raised,
  2 for a mistake in the command line.

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

## Debugging with it

1. Trace the failing input and read the counts first: a branch that ran 0 times or a loop that ran once too
   often usually is the bug. Then follow one name's values down the lines to where it goes wrong.
2. Compare with an input that works: `good.diff(bad)` lists only the lines whose counts or values differ
   (`-` the first trace, `+` the second, `(not run)` for a line that ran in one only), and the outcomes.
3. For a tool, keep the data rather than the text: `res.to_dict()` (or `--json`) is plain JSON with the calls,
   their stacks, each line's `key`, `lineno`, `depth`, `hits` and `names` (`[type, repr]` samples), the `exception`
   and the `returned` value; `doc(tracefunc.format)` gives the schema, and `format_text` turns saved data back
   into the report.

Values are `repr`s cut to 50 characters, taken after each of the first 10 hits of a line: enough to see a pattern,
not a copy of the objects. Tracing changes nothing in the traced code, and the same run traced twice gives the
same trace.

Docs: https://example.github.io/tracefunc/skill.html.md"""

# AUTOGENERATED! DO NOT EDIT! File to edit: ../nbs/05_skill.ipynb.

# %% auto #0
__all__ = ['tracefunc', 'tracing', 'TraceResults', 'trace_diff', 'to_json']

# %% ../nbs/05_skill.ipynb #645e4d21
from .monitor import tracefunc, tracing, TraceResults
from .format import trace_diff, to_json
_all_ = ['tracefunc', 'tracing', 'TraceResults', 'trace_diff', 'to_json']
