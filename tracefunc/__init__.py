"""Per-statement execution traces of Python functions via sys.monitoring

`tracefunc` runs a Python function under `sys.monitoring` (Python 3.12+) and reports, for every statement of
its source, how many times it ran and a few samples of the values its names held. It is meant for reading
unfamiliar code, for debugging and for teaching: instead of stepping through a debugger, you get the whole run at
once, as a report to read in a terminal, a table in Jupyter, or JSON for tools and language models. It also traces
a function where a bug shows up, with no edit to anyone's code: while a program runs
(`python -m tracefunc -t module:function script.py ARGS...`), or during a test run. With
`pytest --tracefunc module:function`, a failing test whose cause is inside that function gets a section
`tracefunc module:function` under its traceback: the function's report for that test, each call with its stack
from the test on, each statement with its hit count and the values its names held.

Modules:

- `tracefunc.cli`: `python -m tracefunc`: trace one call of a function from the shell, or trace functions while a program runs
- `tracefunc.format`: Reading a trace: a compact text report, an HTML view and a markdown table for Jupyter, plain JSON data, and the diff of two runs
- `tracefunc.jupyter`: The `%tracefunc` and `%%tracefunc` magics: trace a call, a whole cell, or the calls a cell makes
- `tracefunc.pytest_plugin`: `pytest --tracefunc TARGET`: each test that calls the function gets its trace as a section of its report
- `tracefunc.skill`: Run a Python function, or a program or test run that calls it, and see, statement by statement, how often each line ran and what its names held. Read this before debugging a loop, a branch, a wrong value, a crash or a failing test in Python code, or to read a trace's report.
- `tracefunc.targets`: Name a function to trace with a TARGET string, and arm it as soon as its code exists: imported already, imported later by the program, or defined by the program itself"""

__version__ = "0.0.1"

# `tracefunc`, `tracing` and `TraceResults` are imported on first use, so that importing a light submodule (the pytest
# plugin, which pytest loads in every run) does not import the tracer.
_LAZY = ('tracefunc', 'tracing', 'TraceResults')

def __getattr__(name):
    if name not in _LAZY: raise AttributeError(f"module 'tracefunc' has no attribute {name!r}")
    from . import session, format  # format patches TraceResults: print(res), Jupyter display, to_dict, diff, report
    g = globals()
    for n in _LAZY: g[n] = getattr(session, n)
    return g[name]

def __dir__(): return sorted(set(globals()) | set(_LAZY))

def load_ipython_extension(ip):
    "`%load_ext tracefunc`: register the `%tracefunc` / `%%tracefunc` magics (IPython is imported only here)."
    from . import format  # the magics display reports
    from .jupyter import load_ipython_extension as load
    load(ip)

def unload_ipython_extension(ip):
    "`%unload_ext tracefunc`: remove the magics and their input transformer."
    from .jupyter import unload_ipython_extension as unload
    unload(ip)
