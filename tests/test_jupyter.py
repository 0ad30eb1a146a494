"The IPython extension: %load_ext tracefunc, the %tracefunc / %%tracefunc magics, _trace, and lazy IPython import."
import re, subprocess, sys, textwrap

import pytest
from conftest import message

def test_import_tracefunc_does_not_import_ipython():
    code = "import sys, tracefunc; from tracefunc import tracefunc, tracing; import tracefunc.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in ('IPython', 'ipykernel')))"
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == '[]', r.stdout + r.stderr

@pytest.fixture(scope='module')
def ip():
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance()
    shell.run_line_magic('load_ext', 'tracefunc')
    return shell

def run(ip, src):
    "Run cell `src` in `ip`: its result, and the markdown and plain text it displayed."
    from IPython.utils.capture import capture_output
    with capture_output() as cap: r = ip.run_cell(textwrap.dedent(src))
    md = [o.data['text/markdown'] for o in cap.outputs if 'text/markdown' in o.data]
    return r, md, [o.data['text/plain'] for o in cap.outputs]

def test_cell_magic_traces_the_cell_and_the_functions_it_defines(ip):
    r, md, plain = run(ip, '''
        %%tracefunc
        def grow(xs, n):
            for i in range(n): xs = xs + [i]
            return xs
        data = grow([], 3)
        total = sum(data)
        ''')
    assert r.success and ip.user_ns['total'] == 3 and ip.user_ns['data'] == [0, 1, 2]
    res = ip.user_ns['_trace']
    (stack, d), = res
    assert stack == ''
    assert list(d) == ['def grow(xs, n):', 'for i in range(n):', 'xs = xs + [i]', 'return xs', 'data = grow([], 3)', 'total = sum(data)']
    assert d['xs = xs + [i]'][0] == 3 and d['total = sum(data)'][1]['total'] == [('int', '3')]
    assert len(md) == 1 and '| hits | source | values |' in md[0] and 'xs&nbsp;=&nbsp;&#91;0&#93; → &#91;0,&nbsp;1&#93;' in md[0]
    assert plain[0] == str(res)                      # a terminal shows the text report
    assert 'data = grow([], 3)' in plain[0] and re.search(r'^1× +return xs +# xs = \[0, 1, 2\]$', plain[0], re.M)

def test_cell_magic_with_target_and_options(ip):
    run(ip, '''
        def sq(x):
            y = x * x
            return y
        ''')
    r, md, _ = run(ip, '''
        %%tracefunc -n 2 --samples 1 sq
        vals = [sq(i) for i in range(5)]
        ''')
    assert r.success and ip.user_ns['vals'] == [0, 1, 4, 9, 16]
    res = ip.user_ns['_trace']
    assert len(res) == 2 and [d['y = x * x'][1]['x'] for _, d in res] == [[('int', '0')], [('int', '1')]]
    assert res[0][0].split(' (')[0] == '<module>' and res[0][0].splitlines()[-1].startswith('sq (')
    assert md[0].count('| hits |') == 2 and '<details>' in md[0]

def test_line_magic_traces_one_call(ip):
    run(ip, '''
        def pick(xs, k=0):
            if k < len(xs): v = xs[k]
            else: v = None
            return v
        ''')
    r, md, _ = run(ip, "%tracefunc --unhit pick(['a', 'b'], k=1)")
    res = ip.user_ns['_trace']
    assert r.success and res.ret == 'b' and len(res) == 1
    assert res[0][1]['v = None'][0] == 0 and '*unhit*' in md[0]
    assert str(res).splitlines()[-1] == "Returned 'b'"

def run_hist(ip, src):
    "Run cell `src` in `ip` as a notebook does (stored in the history: `In[n]`, `Out[n]`): its result, markdown and stdout."
    from IPython.utils.capture import capture_output
    with capture_output() as cap: r = ip.run_cell(textwrap.dedent(src), store_history=True)
    return r, [o.data['text/markdown'] for o in cap.outputs if 'text/markdown' in o.data], re.sub(r'\x1b\[[0-9;]*m', '', cap.stdout)

def test_exception_shows_the_trace_then_ipythons_traceback_and_the_cell_fails(ip):
    "SPEC 4: an exception in the traced code is the cell's: the partial trace, then IPython's own traceback, the cell failed."
    r, md, out = run_hist(ip, '''
        %%tracefunc
        xs = [3, 0]
        inv = [1 / x for x in xs]
        after = 1
        ''')
    assert not r.success and type(r.error_in_exec) is ZeroDivisionError and 'after' not in ip.user_ns
    res = ip.user_ns['_trace']
    assert res.exc is r.error_in_exec
    assert str(res).splitlines()[-1] == f'Raised ZeroDivisionError: {message(lambda: 1 / 0)}'
    assert len(md) == 1 and 'Raised&nbsp;ZeroDivisionError' in md[0]
    n = r.execution_count
    # IPython's traceback: the cell's own frames, named as IPython names cells, line numbers as in the cell (the
    # `%%tracefunc` line is line 1); the magic's frames hidden
    assert 'ZeroDivisionError' in out and f'Cell In[{n}], line 3' in out and 'inv = [1 / x for x in xs]' in out
    assert 'jupyter.py' not in out and 'run_traced' not in out and 'skipping hidden' in out
    r, md, out = run_hist(ip, '%tracefunc pick([], k=None)')
    assert type(r.error_in_exec) is TypeError and ip.user_ns['_trace'].exc is r.error_in_exec and len(md) == 1

def test_the_cells_value_is_its_out_unless_silenced(ip):
    "SPEC 4: the last expression is the cell's `Out[n]` (and `_`), a trailing `;` silences it, in every form of the magic."
    r, md, _ = run_hist(ip, '''
        %%tracefunc
        vals = [1, 2, 3]
        sum(vals) * 2
        ''')
    n = r.execution_count
    assert r.success and r.result == 12 and ip.user_ns['_'] == 12 and ip.user_ns['Out'][n] == 12 and len(md) == 1
    d = ip.user_ns['_trace'][0][1]
    assert d['sum(vals) * 2'] == (1, {'sum': [('builtin_function_or_method', '<built-in function sum>')], 'vals': [('list', '[1, 2, 3]')]})
    assert '__tracefunc_out__' not in ip.user_ns and '__tracefunc_out__' not in str(ip.user_ns['_trace'].to_dict())
    r, md, _ = run_hist(ip, '''
        %%tracefunc
        sum(vals) * 3;
        ''')
    assert r.success and r.result is None and ip.user_ns['_'] == 12 and len(md) == 1 and ip.user_ns['_trace'].ret == 18
    run(ip, '''
        def sq(x):
            y = x * x
            return y
        ''')
    r, _, _ = run_hist(ip, '''
        %%tracefunc sq
        sq(3) + sq(4)
        ''')
    assert r.result == 25 and ip.user_ns['_'] == 25 and len(ip.user_ns['_trace']) == 2
    r, _, _ = run_hist(ip, '%tracefunc sq(5)')
    assert r.result == 25 and ip.user_ns['_trace'].ret == 25
    r, _, _ = run_hist(ip, '%tracefunc sq(6);')
    assert r.success and r.result is None and ip.user_ns['_trace'].ret == 36
    r, _, _ = run_hist(ip, '''
        %%tracefunc
        z = sq(2)
        ''')
    assert r.success and r.result is None and ip.user_ns['z'] == 4

def test_a_cell_that_awaits(ip):
    "SPEC 4: top-level `await` works under `%%tracefunc`, in both cell forms; each coroutine is one call."
    run(ip, '''
        import asyncio
        async def twice(n):
            await asyncio.sleep(0)
            return 2 * n
        ''')
    r, md, _ = run_hist(ip, '''
        %%tracefunc twice
        a = await twice(1)
        b = await twice(a)
        a + b
        ''')
    assert r.success and r.result == 6 and len(md) == 1
    res = ip.user_ns['_trace']
    assert [d['return 2 * n'][1]['n'] for _, d in res] == [[('int', '1')], [('int', '2')]]
    assert res[0][0].splitlines()[0] == f'<module> (Cell In[{r.execution_count}], line 2)'   # the stack starts at the cell
    r, md, _ = run_hist(ip, '''
        %%tracefunc
        x = await twice(5)
        for i in range(2): await asyncio.sleep(0)
        x
        ''')
    assert r.success and r.result == 10
    (stack, d), = ip.user_ns['_trace']
    assert stack == '' and {k: h for k, (h, _) in d.items()} == {
        'x = await twice(5)': 1, 'for i in range(2):': 3, 'await asyncio.sleep(0)': 2, 'x': 1}
    r, _, _ = run_hist(ip, '''
        %%tracefunc
        await twice(1)
        1 / 0
        ''')
    assert type(r.error_in_exec) is ZeroDivisionError and type(ip.user_ns['_trace'].exc) is ZeroDivisionError
    from IPython.core.error import UsageError
    with pytest.raises(UsageError, match='awaits'): ip.run_cell_magic('tracefunc', '', 'await twice(1)')

def test_locations_are_ipythons_cell_names(ip):
    "SPEC 4: `Cell In[n], line k` in the header, the stacks, to_dict and the diff, k counted as in the cell."
    r, _, _ = run_hist(ip, '''
        def inc(x):
            return x + 1
        def twice_inc(x):
            return inc(inc(x))
        ''')
    defs = r.execution_count
    r, _, _ = run_hist(ip, '''
        y = 0
        %tracefunc -n 1 twice_inc(1)
        ''')
    res = ip.user_ns['_trace']
    assert res[0][0] == f'<module> (Cell In[{r.execution_count}], line 2)\ntwice_inc (Cell In[{defs}], line 3)'
    d = res.to_dict()
    assert (d['file'], d['lineno']) == (f'Cell In[{defs}]', 3)
    assert str(res).splitlines()[0] == f'twice_inc (Cell In[{defs}], line 3): 1 call'
    r, _, _ = run_hist(ip, '''
        %%tracefunc inc
        twice_inc(5)
        ''')
    res = ip.user_ns['_trace']
    assert res[1][0].splitlines() == [f'<module> (Cell In[{r.execution_count}], line 2)', f'twice_inc (Cell In[{defs}], line 4)',
                                      f'inc (Cell In[{defs}], line 1)']
    assert f'(Cell In[{defs}], line 1)' in res._repr_html_() and f'(Cell&nbsp;In&#91;{defs}&#93;,&nbsp;line&nbsp;1)' in res._repr_markdown_()
    diff = str(res.diff(res))
    assert diff.splitlines()[0] == f'--- a: inc (Cell In[{defs}], line 1): 2 calls'

def test_unload_removes_the_magic_and_the_transformer():
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance()
    shell.run_line_magic('load_ext', 'tracefunc')
    shell.run_line_magic('load_ext', 'tracefunc')   # (twice: still one transformer)
    from tracefunc.jupyter import await_cells
    assert sum(getattr(t, 'func', None) is await_cells for t in shell.input_transformers_post) == 1
    shell.run_line_magic('unload_ext', 'tracefunc')
    assert not any(getattr(t, 'func', None) is await_cells for t in shell.input_transformers_post)
    assert 'tracefunc' not in shell.magics_manager.magics['cell']
    shell.run_line_magic('load_ext', 'tracefunc')

def test_usage_errors(ip):
    from IPython.core.error import UsageError
    for line, msg in [('pick', 'give a call'), ('--calls x pick([])', 'takes a whole number'), ('--deep pick([])', "unknown option '--deep'"),
                      ('', 'give a call'), ('nothere(1)', "name 'nothere' is not defined"), ('len([1])', 'implemented in C')]:
        with pytest.raises(UsageError, match=msg): ip.run_line_magic('tracefunc', line)
    with pytest.raises(UsageError, match="'nothere' is not defined"): ip.run_cell_magic('tracefunc', 'nothere', 'x = 1')
    with pytest.raises(UsageError, match='must be a name'): ip.run_cell_magic('tracefunc', 'f(1)', 'x = 1')
    with pytest.raises(UsageError, match='invalid syntax|expected'): ip.run_cell_magic('tracefunc', '', 'x = = 1')

def test_tracing_the_same_cell_twice_gives_the_same_trace(ip):
    cell = 'acc = 0\nfor j in range(3): acc += j\n'
    ip.run_cell_magic('tracefunc', '', cell)
    first = ip.user_ns['_trace'].to_dict()
    ip.run_cell_magic('tracefunc', '', cell)
    second = ip.user_ns['_trace'].to_dict()
    first.pop('file'); second.pop('file')
    assert first == second and {l['key']: l['hits'] for l in first['calls'][0]['lines']} == {'acc = 0': 1, 'for j in range(3):': 4, 'acc += j': 3}

def test_line_magic_evaluates_the_callee_once(ip):
    "`%tracefunc factory()(3)` calls `factory` once, as the call would (its side effects are the program's)."
    run(ip, '''
        made = []
        def inner(x):
            return x + 1
        def factory():
            made.append(1)
            return inner
        ''')
    r, md, _ = run(ip, '%tracefunc factory()(3)')
    assert r.success and ip.user_ns['made'] == [1]
    res = ip.user_ns['_trace']
    assert res.ret == 4 and [d for _, d in res] == [{'return x + 1': (1, {'x': [('int', '3')]})}]
    assert '_tracefunc_callee' not in ip.user_ns

def test_line_magic_runs_an_async_function_to_completion(ip):
    run(ip, '''
        import asyncio
        async def co(n):
            await asyncio.sleep(0)
            return n * 2
        ''')
    r, md, _ = run(ip, '%tracefunc co(3)')
    res = ip.user_ns['_trace']
    assert r.success and res.ret == 6 and res.exc is None
    assert {k: h for k, (h, _) in res[0][1].items()} == {'await asyncio.sleep(0)': 1, 'return n * 2': 1}
