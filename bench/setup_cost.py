"""What setting up a trace costs as a function grows: time and memory to index a function of N statements (its lines and
code tables, `tracefunc.indexer.build_index`) and to arm a session for it (`tracefunc.session.Session`), and a whole
`tracefunc` call once the index is cached (the pytest plugin and repeated calls pay only that part).

The function is straight-line code with a branch every third statement, the shape of generated parsers, state machines
and long test functions: its rides chain quiet lines over its whole length, the worst case for set-up. The growth column
is each size's time (or memory) over the previous size's, next to the ratio of the sizes: linear set-up keeps them close.

    python bench/setup_cost.py                     # sizes 300, 1,000, 3,000, 10,000
    python bench/setup_cost.py --sizes 300 3000    # others
"""
import argparse, gc, importlib.util, os, sys, tempfile, time, tracemalloc
from tracefunc import tracefunc
from tracefunc.indexer import build_index, func_index
from tracefunc.session import Session

def source(n):
    "A function `big(x)` of `n` statements (and a return): assignments, and an `if` every third one."
    body = [f'    x = x + {i % 7}' if i % 3 else f'    if x > {i}: x -= 1' for i in range(n)]
    return '\n'.join(['def big(x):', *body, '    return x']) + '\n'

def load(n, folder):
    "The function `big` of a module written to `folder` (the indexer reads its source from the file)."
    path = os.path.join(folder, f'big{n}.py')
    with open(path, 'w') as f: f.write(source(n))
    spec = importlib.util.spec_from_file_location(f'big{n}', path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m.big

def measure(fn):
    "Seconds to index `fn`, to arm a session (index cached), to trace one call (index cached); memory of the index and a session."
    gc.collect()
    t0 = time.perf_counter(); func_index(fn.__code__); t1 = time.perf_counter()   # (cached from here on)
    t2 = time.perf_counter(); Session(fn); t3 = time.perf_counter()
    res = tracefunc(fn, 0); t4 = time.perf_counter()
    assert res.exc is None and res.ret == fn(0)
    tracemalloc.start()
    ix = build_index(fn.__code__)
    index_mem = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak(); base = tracemalloc.get_traced_memory()[0]
    s = Session(fn)
    session_mem = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    del ix, s
    return dict(index=t1 - t0, session=t3 - t2, call=t4 - t3, index_mb=index_mem / 1e6, session_mb=session_mem / 1e6)

def main(sizes):
    print(f'Python {sys.version.split()[0]}: set-up of a straight-line function of N statements')
    print(f'{"N":>7} {"index s":>8} {"session s":>9} {"call s":>7} {"index MB":>9} {"session MB":>10}   growth (time, memory) vs N')
    prev = None
    with tempfile.TemporaryDirectory() as d:
        for n in sizes:
            m = measure(load(n, d))
            grow = ''
            if prev is not None:
                pn, pm = prev
                t, pt = m['index'] + m['session'], pm['index'] + pm['session']
                mem, pmem = m['index_mb'] + m['session_mb'], pm['index_mb'] + pm['session_mb']
                grow = f'   x{t / pt:.1f}, x{mem / pmem:.1f} vs x{n / pn:.1f}'
            print(f'{n:>7} {m["index"]:>8.2f} {m["session"]:>9.2f} {m["call"]:>7.2f} {m["index_mb"]:>9.1f} {m["session_mb"]:>10.1f}{grow}', flush=True)
            prev = n, m

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--sizes', type=int, nargs='+', default=[300, 1000, 3000, 10000])
    main(p.parse_args().sizes)
