__version__ = "0.0.1"

from .monitor import tracefunc, tracing, TraceResults

def load_ipython_extension(ip):
    "`%load_ext tracefunc`: register the `%tracefunc` / `%%tracefunc` magics (IPython is imported only here)."
    from .jupyter import load_ipython_extension as load
    load(ip)
