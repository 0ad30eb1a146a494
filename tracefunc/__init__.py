"""Per-statement execution traces of Python functions via sys.monitoring

Modules:

- `tracefunc.cli`: `python -m tracefunc path/to/file.py:func ARGS...`: trace a function from the shell
- `tracefunc.format`: Reading a trace: a compact text report, a markdown table for Jupyter, plain JSON data, and the diff of two runs
- `tracefunc.jupyter`: The `%tracefunc` and `%%tracefunc` magics: trace a call, a whole cell, or the calls a cell makes"""

__version__ = "0.0.1"

from .monitor import tracefunc, tracing, TraceResults
from . import format  # patches TraceResults: print(res), Jupyter display, to_dict, diff, report

def load_ipython_extension(ip):
    "`%load_ext tracefunc`: register the `%tracefunc` / `%%tracefunc` magics (IPython is imported only here)."
    from .jupyter import load_ipython_extension as load
    load(ip)
