"python -m tracefunc, run as a newcomer would: exit status 0 (returned), 1 (raised), 2 (a mistake in the command line)."
import json, os, re, signal, subprocess, sys, textwrap
from pathlib import Path

import pytest
from conftest import message

root = Path(__file__).resolve().parent.parent

def run(*args, cwd=root):
    return subprocess.run([sys.executable, '-m', 'tracefunc', *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=60)

@pytest.fixture
def prog(tmp_path):
    "A small program with a helper module beside it, a raising function, a method and a printing function"
    (tmp_path/'helper.py').write_text('def double(x): return 2 * x\n')
    (tmp_path/'prog.py').write_text(textwrap.dedent('''
        from helper import double
        from math import floor
        print('imported')   # module-level code runs once, on load

        def step(x):
            return double(x) + 1

        def walk(n, start=0):
            out = [start]
            for i in range(n): out.append(step(out[-1]))
            if n > 100: out.clear()
            return out

        def ratio(a, b):
            q = a / b
            return q

        def chatty(n):
            print('hello from chatty')
            return n

        class Box:
            def size(self, k): return k * 2

        if __name__ == "__main__": print('MAIN BLOCK RAN')
        '''))
    return tmp_path

def test_demo_runs_and_exits_0():
    r = run('examples/demo.py:collatz_steps', 6)
    assert r.returncode == 0 and r.stderr == ''
    lines = r.stdout.splitlines()
    assert lines[0].startswith('collatz_steps (examples/demo.py:') and lines[0].endswith('): 1 call')
    assert any(l.startswith('9×  while n != 1:') and l.endswith('# n = 6 → 3 → 10 → 5 → 16 … 1') for l in lines)
    assert lines[-1] == 'Returned 8'

def test_demo_script_prints_the_same_report():
    r = subprocess.run([sys.executable, 'examples/demo.py'], cwd=root, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.splitlines()[1:] == run('examples/demo.py:collatz_steps', 6).stdout.splitlines()[1:]

def test_demo_json():
    r = run('examples/demo.py:collatz_steps', 6, '--json')
    assert r.returncode == 0
    d = json.loads(r.stdout)
    assert (d['function'], d['file'], d['returned'], d['exception'], d['keep']) == ('collatz_steps', 'examples/demo.py', ['int', '8'], None, 'first')
    hits = {l['key']: l['hits'] for l in d['calls'][0]['lines']}
    assert hits == {'steps = 0': 1, 'while n != 1:': 9, 'if n % 2:': 8, 'n = 3 * n + 1': 2, 'n //= 2': 6, 'steps += 1': 8, 'return steps': 1}

def test_args_keywords_sibling_imports_and_no_main_block(prog):
    r = run('prog.py:walk', 2, 'start=3', cwd=prog)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith('imported\nwalk (prog.py:') and 'MAIN BLOCK RAN' not in r.stdout
    assert re.search(r'^2× +out\.append\(step\(out\[-1\]\)\) +# out = \[3, 7\] → \[3, 7, 15\]$', r.stdout, re.M) and r.stdout.endswith('Returned [3, 7, 15]\n')

def test_unhit_and_target(prog):
    r = run('prog.py:walk', 2, '--unhit', cwd=prog)
    assert any(l.startswith(' ·') and 'out.clear()' in l and l.endswith('# unhit') for l in r.stdout.splitlines())
    r = run('prog.py:walk', 2, '--target', 'step', cwd=prog)
    assert r.returncode == 0 and '2 calls' in r.stdout.splitlines()[1]
    assert r.stdout.count('── call ') == 2 and '── call 2 of 2: walk (prog.py:' in r.stdout and ' → step (prog.py:' in r.stdout
    r = run('prog.py:Box.size', '--target', 'Box.size', cwd=prog)   # a method needs its instance: a TypeError of the call
    assert r.returncode == 1 and 'Raised TypeError: ' in r.stdout

def test_raising_function_reports_the_trace_and_exits_1(prog):
    r = run('prog.py:ratio', 1, 0, cwd=prog)
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert lines[-1] == f'Raised ZeroDivisionError: {message(lambda: 1 / 0)}'   # prog.py's `a / b`, b = 0
    assert any(l.startswith('1×  q = a / b') for l in lines) and 'return q' not in r.stdout
    d = json.loads(run('prog.py:ratio', 1, 0, '--json', cwd=prog).stdout)
    assert d['exception'] == {'type': 'ZeroDivisionError', 'message': message(lambda: 1 / 0)}

def test_json_stdout_is_json_only(prog):
    r = run('prog.py:chatty', 5, '--json', cwd=prog)
    assert r.returncode == 0 and json.loads(r.stdout)['returned'] == ['int', '5']
    assert 'hello from chatty' in r.stderr and 'imported' in r.stderr

@pytest.mark.parametrize('args,msg', [
    (['examples/missing.py:f'], 'no such file: examples/missing.py'),
    (['examples/demo.py:nope'], "examples/demo.py has no function 'nope'"),
    (['examples/demo.py:collatz_steps', 'six'], "argument 'six' is not a Python literal"),
    (['examples/demo.py:collatz_steps', '(1,'], "argument '(1,' is not a Python literal"),
    (['examples/demo.py:collatz_steps', '6', '--target', 'nope'], "examples/demo.py has no function 'nope'"),
    (['examples/demo.py'], "give -t TARGET, a function to trace while examples/demo.py runs (or examples/demo.py:function ARGS to trace one call)"),
])
def test_mistakes_give_one_line_and_exit_2(args, msg):
    r = run(*args)
    assert r.returncode == 2 and r.stdout == ''
    assert r.stderr.count('\n') == 1 and 'Traceback' not in r.stderr
    assert r.stderr.startswith('python -m tracefunc: error: ') and msg in r.stderr

@pytest.mark.parametrize('args,msg', [
    (['prog.py:walk', '1', '--target', 'floor'], 'is implemented in C'),
    (['prog.py:Box'], 'is a class'),
    (['prog.py:Box', '-t', 'Box'], 'Box is a class, not a function: trace one of its methods, as -t Box.__init__'),
    (['prog.py:walk', '1', '-t', 'Box'], 'Box is a class, not a function: trace one of its methods, as -t Box.__init__'),
])
def test_untraceable_targets_give_one_line_and_exit_2(prog, args, msg):
    r = run(*args, cwd=prog)
    assert r.returncode == 2 and r.stdout == 'imported\n'   # what prog.py prints when loaded
    assert r.stderr.count('\n') == 1 and 'Traceback' not in r.stderr
    assert r.stderr.startswith('python -m tracefunc: error: ') and msg in r.stderr

def test_arguments_are_never_evaluated(tmp_path):
    marker = tmp_path/'pwned'
    r = run('examples/demo.py:collatz_steps', f"__import__('pathlib').Path({str(marker)!r}).touch()")
    assert r.returncode == 2 and 'is not a Python literal' in r.stderr
    assert not marker.exists()

def test_usage():
    r = run()
    assert r.returncode == 2 and 'usage: python -m tracefunc' in r.stderr
    r = run('--help')
    assert r.returncode == 0 and '--json' in r.stdout and '--target' in r.stdout and '--unhit' in r.stdout

def test_target_short_form_and_module_or_path_targets(prog):
    "-t is --target, which also takes package.module:Qualname and path/to/file.py:Qualname (SPEC 6.1)."
    for target in ('helper:double', 'helper.py:double', str(prog/'helper.py') + ':double'):
        r = run('prog.py:walk', 2, '-t', target, cwd=prog)
        assert r.returncode == 0, r.stderr
        assert r.stdout.splitlines()[1] == 'double (helper.py:1): 2 calls'
        assert '\n── call 2 of 2: walk (prog.py:11) → step (prog.py:7) → double (' in r.stdout
        assert re.findall(r'^1×  return 2 \* x  # x = (\d)$', r.stdout, re.M) == ['0', '1']
    r = run('prog.py:walk', 2, '-t', 'json:nope', cwd=prog)
    assert r.returncode == 2 and r.stderr == "python -m tracefunc: error: json has no function 'nope'\n"
    r = run('prog.py:walk', 2, '-t', 'colorsys:rgb_to_hsv', cwd=prog)
    assert r.returncode == 2 and r.stderr.startswith("python -m tracefunc: error: target 'colorsys:rgb_to_hsv': colorsys is not imported by ")

WAITS = '''
import sys, time
def work(n):
    total = 0
    for i in range(n):
        total += i
        if i == 20:
            print('ready', file=sys.stderr, flush=True)
        time.sleep(0.01)
    return total

def quits(code):
    step = 1
    sys.exit(code)

def slow(n):
    time.sleep(0.3)
    return list(range(n))
'''

def start(tmp_path, *args, **kw):
    "`python -m tracefunc ARGS` started in `tmp_path` (waits.py there), with SIGINT as a terminal leaves it."
    (tmp_path/'waits.py').write_text(WAITS.lstrip('\n'))
    return subprocess.Popen([sys.executable, '-m', 'tracefunc', *map(str, args)], cwd=tmp_path, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL), **kw)

@pytest.mark.parametrize('sig', ['SIGINT', 'SIGTERM'])
def test_a_signal_during_the_call_prints_the_trace_so_far_and_ends_by_it(tmp_path, sig):
    "SPEC 6.1: Ctrl-C (and SIGTERM) in the function form: the partial report, then the process ends by the signal (a shell says 128 + N)."
    p = start(tmp_path, 'waits.py:work', 10**6, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert p.stderr.readline() == 'ready\n'
        p.send_signal(getattr(signal, sig))
        out, err = p.communicate(timeout=60)
    finally: p.kill()
    assert p.returncode == -getattr(signal, sig) and err == '', err
    lines = out.splitlines()
    assert lines[0] == 'work (waits.py:2): 1 call' and lines[1].lstrip().startswith('1×  total = 0')
    assert re.match(r' *(\d+)×  for i in range\(n\): +# i = 0 → 1 → 2 → 3 → 4 … 9; n = 1000000  \(first 10 of \1 hits\)$', lines[2]), out
    assert lines[-1] == ('Raised KeyboardInterrupt' if sig == 'SIGINT' else 'Terminated by SIGTERM')

def test_sys_exit_in_the_call_prints_the_trace_and_exits_with_its_status(tmp_path):
    (tmp_path/'waits.py').write_text(WAITS.lstrip('\n'))
    r = run('waits.py:quits', 3, cwd=tmp_path)
    assert r.returncode == 3 and r.stderr == ''
    assert r.stdout.endswith('1×  step = 1        # step = 1\n1×  sys.exit(code)  # code = 3\n\nRaised SystemExit: 3\n'), r.stdout

@pytest.mark.parametrize('args', [['waits.py:slow', 5000, '--json'], ['waits.py:slow', 5000], ['--help']])
def test_a_closed_stdout_pipe_ends_quietly(tmp_path, args):
    "SPEC 6.1: `| head` closing the pipe before the report is written: no traceback, the process ends by SIGPIPE (141)."
    p = start(tmp_path, *args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()   # (before anything is written: the reader went away)
    try: err = p.stderr.read(); p.wait(timeout=60)
    finally: p.kill()
    assert (p.returncode, err) == (-signal.SIGPIPE, '')

def test_json_head_in_a_shell(tmp_path):
    "The issue's own command line: the first line of the JSON, nothing else, and head's status."
    (tmp_path/'demo.py').write_text((root/'examples'/'demo.py').read_text())
    r = subprocess.run(['bash', '-c', f'"{sys.executable}" -m tracefunc demo.py:collatz_steps 27 --json | head -1; '
                        'echo "${PIPESTATUS[@]}"'], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.stdout.splitlines()[0] == '{' and r.stderr == '', r.stderr
    assert r.stdout.splitlines()[1] in ('0 0', '141 0')   # (0 when all of it fit in the pipe before head left)

def test_stdout_closed_from_the_start_is_one_line(tmp_path):
    (tmp_path/'waits.py').write_text(WAITS.lstrip('\n'))
    r = subprocess.run([sys.executable, '-m', 'tracefunc', 'waits.py:slow', '1'], cwd=tmp_path, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=60, preexec_fn=lambda: os.close(1))
    assert (r.returncode, r.stderr) == (2, 'python -m tracefunc: error: stdout is closed: the report has nowhere to go\n')

def test_a_file_that_fails_to_import_shows_its_own_traceback(tmp_path):
    "What the file raises while it loads is the program's error: shown as `python file.py` shows it (its frames only), exit 1."
    (tmp_path/'broken.py').write_text('import os\n\ndef f(): return 1\n\nvalue = 1 / 0\n')
    r = run('broken.py:f', cwd=tmp_path)
    plain = subprocess.run([sys.executable, 'broken.py'], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.returncode == plain.returncode == 1 and r.stdout == ''
    assert r.stderr == plain.stderr.replace('"broken.py"', f'"{tmp_path/"broken.py"}"'), r.stderr
    (tmp_path/'broken.py').write_text('def f(:\n    return 1\n')
    r = run('broken.py:f', cwd=tmp_path)
    assert r.returncode == 1 and r.stderr.endswith('SyntaxError: invalid syntax\n') and 'tracefunc' not in r.stderr, r.stderr

def test_a_directory_is_said_to_be_one(tmp_path):
    r = run(f'{tmp_path}:work', cwd=tmp_path)
    assert (r.returncode, r.stderr) == (2, f'python -m tracefunc: error: {tmp_path} is a directory, not a Python file\n')

def test_a_target_that_raised_says_so_after_its_call(prog):
    "SPEC 6.1: with -t, each call of the target that raised has its `Raised` line, even when the function caught it."
    (prog/'catches.py').write_text('def inner(x):\n    return 10 // x\n\ndef outer():\n    out = []\n    for x in (2, 0, 5):\n'
                                   '        try: out.append(inner(x))\n        except ZeroDivisionError: out.append(None)\n    return out\n')
    r = run('catches.py:outer', '-t', 'inner', cwd=prog)
    assert r.returncode == 0, r.stderr
    blocks = r.stdout.split('\n\n')
    assert [b.splitlines()[0] for b in blocks[1:]] == ['── call 1 of 3: outer (catches.py:7) → inner (catches.py:1)',
        '── call 2 of 3: outer (catches.py:7) → inner (catches.py:1)', f'Raised ZeroDivisionError: {message(lambda: 1 // 0)}',
        '── call 3 of 3: outer (catches.py:7) → inner (catches.py:1)', 'Returned [5, None, 2]']
    d = json.loads(run('catches.py:outer', '-t', 'inner', '--json', cwd=prog).stdout)
    assert [c['raised'] for c in d['calls']] == [None, {'type': 'ZeroDivisionError', 'message': message(lambda: 1 // 0)}, None]
