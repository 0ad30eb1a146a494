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

def test_exception_in_the_traced_code_is_shown_not_raised(ip):
    r, md, plain = run(ip, '''
        %%tracefunc
        xs = [3, 0]
        inv = [1 / x for x in xs]
        after = 1
        ''')
    assert r.success and 'after' not in ip.user_ns
    res = ip.user_ns['_trace']
    assert type(res.exc) is ZeroDivisionError
    assert plain[0].splitlines()[-1] == f'Raised ZeroDivisionError: {message(lambda: 1 / 0)}'
    assert 'Raised&nbsp;ZeroDivisionError' in md[0]
    r, md, plain = run(ip, '%tracefunc pick([], k=None)')
    assert r.success and type(ip.user_ns['_trace'].exc) is TypeError

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
