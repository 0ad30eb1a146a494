"python -m tracefunc -t TARGET script.py ARGS / -m module ARGS (SPEC 6.1): the program runs as under `python`, the traces go to stderr or -o."
import json, os, re, signal, subprocess, sys, textwrap
from pathlib import Path

import pytest

def py(*args, cwd, input=None, env=None):
    "Run `python ARGS` in `cwd`."
    return subprocess.run([sys.executable, *map(str, args)], cwd=cwd, capture_output=True, text=True, input=input, timeout=60, env=env)

def traced(*args, cwd, input=None):
    "Run `python -m tracefunc ARGS` in `cwd`."
    return py('-m', 'tracefunc', *args, cwd=cwd, input=input)

def write(d, name, src):
    p = Path(d)/name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(textwrap.dedent(src).lstrip('\n'))
    return p

FACTS = '''
import json, sys
def facts():
    "What a program can see of how it was started."
    return dict(argv=sys.argv, name=__name__, path0=sys.path[0], file=__file__, doc=__doc__, package=__package__,
                spec=__spec__ and __spec__.name, loader=type(__loader__).__name__, cached=globals().get('__cached__'),
                main=sys.modules['__main__'].__dict__ is globals(), globals=[[k, type(v).__name__] for k, v in globals().items()])
'''

@pytest.fixture
def prog(tmp_path):
    "A script with its own functions, a helper module it imports only when asked, and a package for -m."
    write(tmp_path, 'helper.py', '''
        CALLS_AT_IMPORT = []
        def double(x):
            y = 2 * x
            if y < 0: y = 0
            return y
        CALLS_AT_IMPORT.append(double(1))   # the module body calls it: traced too, it is armed before the body runs
        ''')
    write(tmp_path, 'prog.py', FACTS + '''
def step(x):
    y = x + 1
    return y

class Box:
    def size(self, k):
        return k * 2

def outer(n):
    def inner(m):
        return m * n
    return inner(3)

if __name__ == "__main__":
    print(json.dumps(facts()))
    print('helper imported at start:', 'helper' in sys.modules)
    out = [step(i) for i in range(3)]
    if 'helper' in sys.argv:
        import helper
        out.append(helper.double(5))
    out += [Box().size(4), outer(2)]
    if 'stdin' in sys.argv: out.append(sys.stdin.read().upper())
    print(out)
    print('helper imported at end:', 'helper' in sys.modules)
    if 'exit3' in sys.argv: sys.exit(3)
    if 'raise' in sys.argv: {}['missing']
    if 'interrupt' in sys.argv: raise KeyboardInterrupt
''')
    return tmp_path

def report(stderr, title):
    "The report (or one-line note) in `stderr` that starts with `title`."
    starts = [m.start() for m in re.finditer(r'^\S+ \(.*\): (?:\d+ calls?|no calls recorded)$|^tracefunc: ', stderr, re.M)]
    found = [stderr[a:b].rstrip('\n') for a, b in zip(starts, starts[1:] + [len(stderr)]) if stderr.startswith(title, a)]
    assert len(found) == 1, (title, stderr)
    return found[0]

def test_runs_as_python_would(prog):
    plain, tr = py('prog.py', 'a', 'b c', cwd=prog), traced('-t', 'step', 'prog.py', 'a', 'b c', cwd=prog)
    assert tr.returncode == plain.returncode == 0
    assert tr.stdout == plain.stdout   # argv, __name__, sys.path[0], __file__, the __main__ globals, printed output
    facts = json.loads(plain.stdout.splitlines()[0])
    assert facts['argv'] == ['prog.py', 'a', 'b c'] and facts['name'] == '__main__' and facts['path0'] == str(prog) and facts['main']
    assert report(tr.stderr, 'step (prog.py:') == textwrap.dedent('''\
        step (prog.py:8): 3 calls

        ── call 1 of 3: <module> (prog.py:24) → step (prog.py:8)
        1×  y = x + 1  # y = 1; x = 0
        1×  return y   # y = 1

        ── call 2 of 3: <module> (prog.py:24) → step (prog.py:8)
        1×  y = x + 1  # y = 2; x = 1
        1×  return y   # y = 2

        ── call 3 of 3: <module> (prog.py:24) → step (prog.py:8)
        1×  y = x + 1  # y = 3; x = 2
        1×  return y   # y = 3''')

def test_script_in_another_directory_and_stdin(prog, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp('cwd')
    plain = py(prog/'prog.py', 'stdin', cwd=elsewhere, input='some input\n')
    tr = traced('-t', f'{prog}/prog.py:Box.size', prog/'prog.py', 'stdin', cwd=elsewhere, input='some input\n')
    assert tr.stdout == plain.stdout and "'SOME INPUT\\n']" in plain.stdout
    assert tr.stderr.startswith('Box.size (') and '1×  return k * 2  # k = 4' in tr.stderr

def test_module_imported_later_is_armed_before_its_body_runs(prog):
    tr = traced('-t', 'helper:double', '-t', 'outer.inner', '-t', 'outer.<locals>.inner', 'prog.py', 'helper', cwd=prog)
    assert tr.returncode == 0
    assert 'helper imported at start: False\n' in tr.stdout and 'helper imported at end: True\n' in tr.stdout
    rep = report(tr.stderr, 'double (helper.py:')
    assert rep.splitlines()[0] == 'double (helper.py:2): 2 calls'
    assert '── call 1 of 2: <module> (prog.py:26) → <module> (helper.py:6) → double (helper.py:2)\n1×  y = 2 * x  # y = 2; x = 1' in rep
    assert '── call 2 of 2: <module> (prog.py:27) → double (helper.py:2)\n1×  y = 2 * x  # y = 10; x = 5' in rep
    assert tr.stderr.count('inner (prog.py:17): 1 call\n') == 2 and '1×  return m * n  # m = 3; n = 2' in tr.stderr

def test_a_module_the_program_does_not_import_is_not_imported(prog):
    tr = traced('-t', 'helper:double', '-t', 'step', 'prog.py', cwd=prog)
    assert tr.returncode == 0
    assert 'helper imported at start: False\n' in tr.stdout and 'helper imported at end: False\n' in tr.stdout
    assert tr.stderr.startswith('tracefunc: helper:double: never found: module helper was never imported\n\nstep (prog.py:8): 3 calls\n')

def test_stdlib_targets_imported_before_and_after(tmp_path):
    write(tmp_path, 'colors.py', '''
        import colorsys, sys
        assert 'json' in sys.modules   # imported already (by tracefunc): armed at once
        import json
        print(json.dumps([round(x, 3) for x in colorsys.rgb_to_hsv(0.2, 0.4, 0.4)]))
        ''')
    tr = traced('-t', 'colorsys:rgb_to_hsv', '-t', 'json:dumps', '-n', '1', 'colors.py', cwd=tmp_path)
    assert tr.returncode == 0 and tr.stdout == '[0.5, 0.5, 0.4]\n'
    assert report(tr.stderr, 'rgb_to_hsv (').startswith('rgb_to_hsv ($PYTHON_STDLIB/colorsys.py:')
    assert '── call 1 of 1: <module> (colors.py:4) → rgb_to_hsv ($PYTHON_STDLIB/colorsys.py:' in tr.stderr
    assert report(tr.stderr, 'dumps (').startswith('dumps ($PYTHON_STDLIB/json/__init__.py:')

def test_exit_status_and_traceback_are_the_programs(prog):
    for arg, status in (('exit3', 3), ('raise', 1)):
        plain, tr = py('prog.py', arg, cwd=prog), traced('-t', 'step', '-t', 'json:loads', 'prog.py', arg, cwd=prog)
        assert plain.returncode == tr.returncode == status and tr.stdout == plain.stdout
        assert tr.stderr.startswith(plain.stderr)   # the same traceback (none for sys.exit), then the reports
        assert report(tr.stderr, 'step (').startswith('step (prog.py:8): 3 calls\n')
        assert tr.stderr.endswith('\n\ntracefunc: json:loads: never called\n')
    assert 'Traceback (most recent call last):\n  File "' + str(prog/'prog.py') + '", line 33, in <module>' in plain.stderr
    assert plain.stderr.endswith("KeyError: 'missing'\n") and 'tracefunc' not in plain.stderr

def test_keyboard_interrupt_exits_as_ctrl_c(prog):
    plain, tr = py('prog.py', 'interrupt', cwd=prog), traced('-t', 'step', 'prog.py', 'interrupt', cwd=prog)
    assert plain.returncode == tr.returncode == -signal.SIGINT   # killed by SIGINT: a shell says 130
    assert tr.stderr.startswith(plain.stderr) and plain.stderr.endswith('KeyboardInterrupt\n')
    assert report(tr.stderr, 'step (').startswith('step (prog.py:8): 3 calls\n')
    sh = subprocess.run(['sh', '-c', f'"{sys.executable}" -m tracefunc -t step prog.py interrupt 2>/dev/null; echo $?'],
                        cwd=prog, capture_output=True, text=True, timeout=60)
    assert sh.stdout.splitlines()[-1] == '130'

WAIT = '''
    import time
    def tick(i):
        return i + 1
    n = 0
    while True:
        n = tick(n)
        if n == 3: print('ready', flush=True)
        time.sleep(0.01)
    '''   # a program that runs until it is stopped, saying 'ready' once its target ran 3 times

def test_sigint_while_running(tmp_path):
    write(tmp_path, 'wait.py', WAIT)
    # (SIGINT as a terminal leaves it: a shell without job control starts background jobs, such as `.ci/run`'s, with
    # SIGINT ignored, and Python then installs no handler of its own)
    p = subprocess.Popen([sys.executable, '-m', 'tracefunc', '-t', 'tick', '-n', '2', 'wait.py'], cwd=tmp_path,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert p.stdout.readline() == 'ready\n'
    p.send_signal(signal.SIGINT)
    try: out, err = p.communicate(timeout=60)
    finally: p.kill()
    assert p.returncode == -signal.SIGINT
    assert err.startswith('Traceback (most recent call last):\n  File "') and '\nKeyboardInterrupt\n' in err
    assert err.count('File "') == err.count('File "' + str(tmp_path)) >= 1   # no frame of tracefunc's
    assert 'tick (wait.py:2): 2 calls\n' in err and '1×  return i + 1  # i = 1' in err

def test_reports_when_the_program_ends_threads_and_atexit_included(tmp_path):
    write(tmp_path, 'late.py', '''
        import atexit, threading, time
        def work(x):
            return x * 10
        def later():
            time.sleep(0.2)
            work(2)
        atexit.register(work, 3)
        threading.Thread(target=later).start()   # not a daemon: python waits for it after the main module ends
        work(1)
        ''')
    tr = traced('-t', 'work', 'late.py', cwd=tmp_path)
    assert tr.returncode == 0
    rep = report(tr.stderr, 'work (')
    assert rep.startswith('work (late.py:2): 3 calls\n')
    assert [l for l in rep.splitlines() if l.startswith('1×')] == ['1×  return x * 10  # x = 1', '1×  return x * 10  # x = 2', '1×  return x * 10  # x = 3']

def test_forked_child_writes_no_report(tmp_path):
    write(tmp_path, 'forks.py', '''
        import os
        def work(x):
            return x + 1
        pid = os.fork()
        work(1 if pid else 2)
        if pid: os.waitpid(pid, 0)
        ''')
    tr = traced('-t', 'work', 'forks.py', cwd=tmp_path)
    assert tr.returncode == 0 and tr.stderr.count('work (forks.py:2): ') == 1
    assert tr.stderr.startswith('work (forks.py:2): 1 call\n') and '1×  return x + 1  # x = 1' in tr.stderr

def test_m_mode(tmp_path):
    write(tmp_path, 'pkg/__init__.py', '''
        def scale(x):
            return x * 3
        UNIT = scale(1)   # runs while python -m imports the package, before the module
        ''')
    write(tmp_path, 'pkg/tool.py', FACTS + '''
from pkg import scale
def total(xs):
    t = 0
    for x in xs: t += scale(x)
    return t
print(json.dumps(facts()))
print(total([1, 2]))
''')
    plain = py('-m', 'pkg.tool', 'x', '--flag', cwd=tmp_path)
    tr = traced('-t', 'total', '-t', 'pkg:scale', '-m', 'pkg.tool', 'x', '--flag', cwd=tmp_path)
    assert plain.returncode == tr.returncode == 0 and tr.stdout == plain.stdout
    facts = json.loads(plain.stdout.splitlines()[0])
    assert facts['argv'] == [str(tmp_path/'pkg'/'tool.py'), 'x', '--flag'] and (facts['spec'], facts['package']) == ('pkg.tool', 'pkg')
    assert report(tr.stderr, 'total (') == textwrap.dedent('''\
        total (pkg/tool.py:9): 1 call

        ── call 1 of 1: <module> (pkg/tool.py:14) → total (pkg/tool.py:9)
        1×  t = 0              # t = 0
        3×  for x in xs:       # x = 1 → 2; xs = [1, 2]
        2×      t += scale(x)  # t = 3 → 9; x = 1 → 2
        1×  return t           # t = 9''')
    assert report(tr.stderr, 'scale (') == textwrap.dedent('''\
        scale (pkg/__init__.py:1): 3 calls

        ── call 1 of 3: <module> (pkg/__init__.py:3) → scale (pkg/__init__.py:1)
        1×  return x * 3  # x = 1

        ── call 2 of 3: <module> (pkg/tool.py:14) → total (pkg/tool.py:11) → scale (pkg/__init__.py:1)
        1×  return x * 3  # x = 1

        ── call 3 of 3: <module> (pkg/tool.py:14) → total (pkg/tool.py:11) → scale (pkg/__init__.py:1)
        1×  return x * 3  # x = 2''')

def test_json_to_stderr_and_to_a_file(prog):
    tr = traced('--json', '--samples', '2', '--keep', 'last', '-t', 'step', '-t', 'nope_mod:f', 'prog.py', cwd=prog)
    assert tr.returncode == 0
    note, body = tr.stderr.split('\n', 1)
    assert note == 'tracefunc: nope_mod:f: never found: module nope_mod was never imported'
    data = json.loads(body)
    assert [d['target'] for d in data] == ['step', 'nope_mod:f']
    d = data[0]
    assert (d['function'], d['file'], d['lineno'], d['keep'], len(d['calls'])) == ('step', 'prog.py', 8, 'last', 3)
    assert d['calls'][2] == {'stack': ['<module> (prog.py:24)', 'step (prog.py:8)'], 'lines': [
        {'key': 'y = x + 1', 'kind': 'stmt', 'lineno': 9, 'col': 4, 'depth': 0, 'hits': 1, 'names': {'y': [['int', '3']], 'x': [['int', '2']]}},
        {'key': 'return y', 'kind': 'stmt', 'lineno': 10, 'col': 4, 'depth': 0, 'hits': 1, 'names': {'y': [['int', '3']]}}], 'raised': None}
    assert data[1] == dict(target='nope_mod:f', function=None, file=None, lineno=None, keep=None, calls=[], exception=None, returned=None,
                           error='never found: module nope_mod was never imported')
    out = prog/'out'/'traces.json'
    out.parent.mkdir()
    tr2 = traced('--json', '-o', 'out/traces.json', '--samples', '2', '--keep', 'last', '-t', 'step', '-t', 'nope_mod:f', 'prog.py', cwd=prog)
    assert tr2.stderr == note + '\n' and json.loads(out.read_text()) == data

def test_text_to_a_file_and_the_options(prog):
    tr = traced('-o', 'report.txt', '-n', '1', '--unhit', '-t', 'Box.size', '-t', 'helper:double', 'prog.py', 'helper', cwd=prog)
    assert tr.returncode == 0 and tr.stderr == ''
    assert (prog/'report.txt').read_text() == textwrap.dedent('''\
        Box.size (prog.py:13): 1 call

        ── call 1 of 1: <module> (prog.py:28) → Box.size (prog.py:13)
        1×  return k * 2  # k = 4

        double (helper.py:2): 1 call

        ── call 1 of 1: <module> (prog.py:26) → <module> (helper.py:6) → double (helper.py:2)
        1×  y = 2 * x  # y = 2; x = 1
        1×  if y < 0:  # y = 2
         ·      y = 0  # unhit
        1×  return y   # y = 2
        ''')
    data = json.loads(traced('--json', '--width', '8', '--samples', '1', '-t', 'facts', 'prog.py', cwd=prog).stderr)
    assert data[0]['calls'][0]['lines'][0]['names']['__name__'] == [['str', "'__ma..."]]

def test_several_targets_each_with_a_tool_id(prog):
    tr = traced(*[a for t in ('step', 'Box.size', 'outer', 'outer.inner', 'helper:double', 'json:loads') for a in ('-t', t)], 'prog.py', 'helper', cwd=prog)
    assert tr.returncode == 0
    assert [l for l in tr.stderr.splitlines() if re.match(r'\S+ \(.*\): \d+ calls?$', l) or l.startswith('tracefunc: ')] == [
        'step (prog.py:8): 3 calls', 'Box.size (prog.py:13): 1 call', 'outer (prog.py:16): 1 call', 'outer.<locals>.inner (prog.py:17): 1 call',
        'double (helper.py:2): 2 calls', 'tracefunc: json:loads: never called']
    assert '── call 1 of 1: <module> (prog.py:28) → outer (prog.py:19) → outer.<locals>.inner (prog.py:17)\n1×  return m * n  # m = 3; n = 2' in tr.stderr
    marker = prog/'ran'
    write(prog, 'mark.py', f'open({str(marker)!r}, "w").close()\n')
    tr = traced(*[a for i in range(7) for a in ('-t', f'f{i}')], 'mark.py', cwd=prog)
    assert (tr.returncode, tr.stdout) == (2, '') and not marker.exists()
    assert tr.stderr == 'python -m tracefunc: error: 7 targets need 7 sys.monitoring tool ids (one each), but only 6 are free\n'

@pytest.mark.parametrize('args,msg', [
    (['-t', 'f', 'missing.py'], 'no such file: missing.py'),
    (['-t', 'a:b:c', 'mark.py'], "malformed target 'a:b:c': use package.module:Qualname, path/to/file.py:Qualname, or a bare Qualname"),
    (['-t', 'mark.py', 'mark.py'], "target 'mark.py' names a file but no function"),
    (['--bogus', '-t', 'f', 'mark.py'], 'unrecognized arguments: --bogus'),
    (['-n', 'x', '-t', 'f', 'mark.py'], "argument -n/--calls: 'x' is not a whole number >= 1"),
    (['--keep', 'middle', '-t', 'f', 'mark.py'], "argument --keep: invalid choice: 'middle'"),
    (['mark.py'], 'give -t TARGET, a function to trace while mark.py runs'),
    (['-t', 'f', '-m'], '-m needs a module name'),
])
def test_mistakes_give_one_line_and_exit_2_before_the_program_runs(tmp_path, args, msg):
    marker = tmp_path/'ran'
    write(tmp_path, 'mark.py', f'open({str(marker)!r}, "w").close()\nimport math, json\n')
    tr = traced(*args, cwd=tmp_path)
    assert (tr.returncode, tr.stdout) == (2, '') and not marker.exists()
    assert tr.stderr.count('\n') == 1 and tr.stderr.startswith('python -m tracefunc: error: ') and msg in tr.stderr, tr.stderr

def test_a_missing_module_exits_1_as_python_m_does(tmp_path):
    plain, tr = py('-m', 'no_such_module', cwd=tmp_path), traced('-t', 'f', '-m', 'no_such_module', cwd=tmp_path)
    assert plain.returncode == tr.returncode == 1 and tr.stdout == ''
    assert plain.stderr.endswith(': No module named no_such_module\n')
    assert tr.stderr == 'python -m tracefunc: error: No module named no_such_module\n'

@pytest.mark.parametrize('target,note', [
    ('nothing.py:f', 'never found: no such file: nothing.py'),
    ('nope', "not found: mark.py has no function 'nope'"),
    ('json:nope', "not found: json has no function 'nope'"),
    ('math:floor', 'cannot be traced: <built-in function floor> is implemented in C'),
    ('json:JSONDecoder', "cannot be traced: JSONDecoder is a class, not a function: trace one of its methods, as -t json:JSONDecoder.__init__"),
    ('Box', "cannot be traced: Box is a class, not a function: trace one of its methods, as -t Box.__init__"),
    ('mark.py:Box', "cannot be traced: Box is a class, not a function: trace one of its methods, as -t mark.py:Box.__init__"),
    ('/tmp:f', 'never found: /tmp is a directory, not a Python file'),
])
def test_a_target_not_found_or_not_traceable_is_said_at_the_end_and_the_program_runs(tmp_path, target, note):
    "SPEC 6.1: a target never found is said in one line naming it, not an error: the exit status is the program's."
    marker = tmp_path/'ran'
    write(tmp_path, 'mark.py', f'open({str(marker)!r}, "w").close()\nimport math, json\nprint("ran")\nclass Box: pass\nraise SystemExit(3)\n')
    tr = traced('-t', target, 'mark.py', cwd=tmp_path)
    assert (tr.returncode, tr.stdout) == (3, 'ran\n') and marker.exists()
    assert tr.stderr.count('\n') == 1 and tr.stderr.startswith(f'tracefunc: {target}: {note}'), tr.stderr

def test_the_report_goes_to_the_stderr_the_program_started_with(tmp_path):
    write(tmp_path, 'quiet.py', 'import os, sys\ndef f(): return 1\nf()\nsys.stderr = open(os.devnull, "w")\n')
    tr = traced('-t', 'f', 'quiet.py', cwd=tmp_path)
    assert tr.returncode == 0 and 'f (quiet.py:2): 1 call' in tr.stderr, tr.stderr

def test_syntax_error_in_the_script_is_shown_as_python_shows_it(tmp_path):
    write(tmp_path, 'bad.py', 'def f(:\n    pass\n')
    plain, tr = py('bad.py', cwd=tmp_path), traced('-t', 'f', 'bad.py', cwd=tmp_path)
    assert plain.returncode == tr.returncode == 1 and tr.stderr == plain.stderr and 'SyntaxError' in tr.stderr

def test_programs_excepthook_gets_its_traceback(tmp_path):
    write(tmp_path, 'hook.py', '''
        import sys, traceback
        def hook(typ, exc, tb): print('hook:', [f.name for f in traceback.extract_tb(tb)], typ.__name__, file=sys.stderr)
        sys.excepthook = hook
        def f(): raise ValueError('x')
        f()
        ''')
    plain, tr = py('hook.py', cwd=tmp_path), traced('-t', 'f', 'hook.py', cwd=tmp_path)
    assert plain.stderr == "hook: ['<module>', 'f'] ValueError\n"
    assert tr.returncode == plain.returncode == 1 and tr.stderr.startswith(plain.stderr) and 'f (hook.py:4): 1 call' in tr.stderr

def test_help_says_child_processes_are_not_traced():
    r = traced('--help', cwd=Path(__file__).parent)
    assert r.returncode == 0 and 'Child processes (subprocess, multiprocessing) are not traced.' in ' '.join(r.stdout.split())
    for opt in ('--target', '-m module', '--output', '--json', '--calls', '--samples N',
                '--keep {first,last,ends}', '--width N', '--unhit'):
        assert opt in r.stdout, opt

def test_output_path_is_fixed_before_the_program_runs(tmp_path):
    write(tmp_path, 'moves.py', '''
        import os, shutil, sys
        def f(x):
            return x
        os.makedirs('elsewhere', exist_ok=True); os.chdir('elsewhere')
        f(1)
        if 'rm' in sys.argv: shutil.rmtree('../out')
        ''')
    (tmp_path/'out').mkdir()
    tr = traced('-o', 'out/r.txt', '-t', 'f', 'moves.py', cwd=tmp_path)
    assert tr.returncode == 0 and tr.stderr == ''
    assert (tmp_path/'out'/'r.txt').read_text() == 'f (moves.py:2): 1 call\n\n── call 1 of 1: <module> (moves.py:5) → f (moves.py:2)\n1×  return x  # x = 1\n'
    tr = traced('-o', 'out/r.txt', '-t', 'f', 'moves.py', 'rm', cwd=tmp_path)
    assert tr.returncode == 0 and not (tmp_path/'out').exists()
    first, rest = tr.stderr.split('\n', 1)
    assert first.startswith(f"tracefunc: cannot write {tmp_path/'out'/'r.txt'}: ") and rest.startswith('f (moves.py:2): 1 call\n')

def test_sigterm_writes_the_reports_then_ends_the_process_by_it(tmp_path):
    "A SIGTERM (kill, a job system stopping the job): the reports so far are written, then the process ends by SIGTERM as untraced."
    write(tmp_path, 'wait.py', WAIT)
    plain = subprocess.Popen([sys.executable, 'wait.py'], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    p = subprocess.Popen([sys.executable, '-m', 'tracefunc', '-t', 'tick', '-n', '2', 'wait.py'], cwd=tmp_path,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for q in (plain, p):
            assert q.stdout.readline() == 'ready\n'
            q.send_signal(signal.SIGTERM)
        (_, plain_err), (out, err) = plain.communicate(timeout=60), p.communicate(timeout=60)
    finally: plain.kill(); p.kill()
    assert plain.returncode == p.returncode == -signal.SIGTERM and plain_err == '' and out == ''
    assert err.startswith('tick (wait.py:2): 2 calls\n') and '1×  return i + 1  # i = 1' in err, err

def test_a_closed_stderr_without_o_is_a_mistake(tmp_path):
    "With stderr closed and no -o, the reports have nowhere to go: exit status 2 before the program starts (said nowhere)."
    write(tmp_path, 'mark.py', 'print("ran")\n')
    r = subprocess.run([sys.executable, '-m', 'tracefunc', '-t', 'f', 'mark.py'], cwd=tmp_path, capture_output=True, text=True,
                       timeout=60, preexec_fn=lambda: os.close(2))
    assert (r.returncode, r.stdout) == (2, '')

@pytest.mark.parametrize('output,msg', [('.', 'cannot write .: it is a directory'), ('nodir/out.txt', 'cannot write nodir/out.txt: no such directory'),
                                        ('/proc/self/out.txt', 'cannot write /proc/self/out.txt: permission denied')])
def test_an_output_file_that_cannot_be_written_is_one_line(tmp_path, output, msg):
    write(tmp_path, 'mark.py', 'print("ran")\n')
    if output.startswith('/proc') and (not os.path.isdir('/proc/self') or os.access('/proc/self', os.W_OK)): pytest.skip('no /proc/self')
    tr = traced('-o', output, '-t', 'f', 'mark.py', cwd=tmp_path)
    assert (tr.returncode, tr.stdout, tr.stderr) == (2, '', f'python -m tracefunc: error: {msg}\n')

def test_a_directory_as_the_script_is_one_line(tmp_path):
    (tmp_path/'pkg').mkdir()
    tr = traced('-t', 'f', 'pkg', cwd=tmp_path)
    assert (tr.returncode, tr.stderr) == (2, f'python -m tracefunc: error: pkg is a directory: give the path of its script (say pkg/__main__.py)\n')

def test_a_call_that_raised_says_so_in_the_report(tmp_path):
    "SPEC 6.1: in the run form's report, each call that raised has its `Raised ExcType: message` line (text and JSON)."
    write(tmp_path, 'parse.py', '''
        def parse(s):
            return int(s)
        for s in ('1', 'x', '3'):
            try: parse(s)
            except ValueError: pass
        ''')
    tr = traced('-t', 'parse', 'parse.py', cwd=tmp_path)
    assert tr.returncode == 0
    assert tr.stderr.split('\n\n')[1:] == ['── call 1 of 3: <module> (parse.py:4) → parse (parse.py:1)\n1×  return int(s)  # s = \'1\'',
        '── call 2 of 3: <module> (parse.py:4) → parse (parse.py:1)\n1×  return int(s)  # s = \'x\'',
        "Raised ValueError: invalid literal for int() with base 10: 'x'",
        '── call 3 of 3: <module> (parse.py:4) → parse (parse.py:1)\n1×  return int(s)  # s = \'3\'\n']
    d = json.loads(traced('--json', '-t', 'parse', 'parse.py', cwd=tmp_path).stderr)
    assert [c['raised'] for c in d[0]['calls']] == [None, {'type': 'ValueError', 'message': "invalid literal for int() with base 10: 'x'"}, None]
