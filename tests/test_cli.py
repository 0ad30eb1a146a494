"python -m tracefunc, run as a newcomer would: exit status 0 (returned), 1 (raised), 2 (a mistake in the command line)."
import json, re, subprocess, sys, textwrap
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
