"""Random small functions (nested loops, if/else, break/continue, for/else, while, try/except/finally, with, return,
raise, yield, recursive `yield from`, generator expressions, calls) traced with quiet lines and with every line reporting: the results must
be the same, for several sizes and sample policies. Fixed seeds, so a failure names its program."""
import importlib.util, inspect, random
import pytest
from tracefunc import handlers
from tracefunc.session import Session

def stmt(r, depth, in_loop, lines, ind):
    "Append one random statement (maybe compound) at indentation `ind`."
    p, k = '    ' * ind, r.random()
    if depth > 2 or k < 0.35:
        lines.append(p + r.choice(['t += i', 't -= 1', 'u = t % 7', 't = t * 2 % 1000', 'x = [j for j in range(i % 4)]']))
    elif k < 0.5:
        lines.append(p + f'if (t + i) % {r.randint(2, 5)}:')
        stmt(r, depth + 1, in_loop, lines, ind + 1)
        if r.random() < 0.5:
            lines.append(p + 'else:'); stmt(r, depth + 1, in_loop, lines, ind + 1)
    elif k < 0.62:
        lines.append(p + (f'for k{depth} in range({r.randint(0, 6)}):' if depth else 'for i in range(n):'))
        for _ in range(r.randint(1, 3)): stmt(r, depth + 1, True, lines, ind + 1)
    elif k < 0.7 and in_loop:
        lines += [p + f'if t % {r.randint(3, 9)} == 0:', p + '    ' + r.choice(['break', 'continue'])]
    elif k < 0.78:
        lines.append(p + 'try:'); stmt(r, depth + 1, in_loop, lines, ind + 1)
        lines += [p + f'    if t % {r.randint(5, 13)} == 1: raise ValueError(t)', p + 'except ValueError:', p + '    t += 100']
        if r.random() < 0.5: lines += [p + 'finally:', p + '    u = 1']
    elif k < 0.85: lines += [p + f'if t > {r.randint(50, 900)}:', p + '    return t']
    elif k < 0.9: lines += [p + f'if t == {r.randint(1, 30)}:', p + '    raise KeyError(t)']
    elif k < 0.93: lines += [p + 'while u < 3:', p + '    u += 1', p + '    t += u']
    elif k < 0.95:
        lines += [p + f'for k9 in range({r.randint(0, 4)}):', p + '    t += k9', p + f'    if t % {r.randint(2, 6)} == 0: break',
                  p + 'else:', p + '    t += 3']
    elif k < 0.97:
        lines.append(p + 'with contextlib.nullcontext():'); stmt(r, depth + 1, in_loop, lines, ind + 1)
    elif k < 0.985: lines.append(p + r.choice(['t += sum(j for j in range(i % 5) if j % 2)', 'yield t', 'u = yield t']))
    else: lines.append(p + 't += helper(t)')

def program(seed):
    "The source of a module defining a random `f(n)` (and the `helper` it may call)."
    r = random.Random(seed)
    lines = ['import contextlib', 'def helper(v):', '    for q in range(v % 3):', '        v += q', '    return v % 11',
             'def f(n):', '    t = u = i = 0']
    for _ in range(r.randint(2, 5)):
        if r.random() < 0.06:   # `f` a recursive generator, delegating to itself (its calls past the cap go dark)
            lines += ['    if n > 1:', '        ' + r.choice(['yield from f(n // 4)', 't += len([(yield from f(n // 4))])'])]
        stmt(r, 0, False, lines, 1)
    if r.random() < 0.7: lines.append('    return t')
    return '\n'.join(lines) + '\n'

def run(f, n, **kw):
    s = Session(f, stacks=False, **kw)
    with s:
        try:
            r = f(n)
            if inspect.isgenerator(r): r = list(r)
        except Exception as e: r = e
    return s.results(), repr(r)

def load(seed, folder):
    "The module of program `seed`, written to `folder` (the tracer reads its source from the file)."
    path = folder/f'p{seed}.py'
    path.write_text(program(seed))
    spec = importlib.util.spec_from_file_location(f'p{seed}', path)
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
    return m

@pytest.mark.parametrize('batch', range(8))
def test_random_programs_same_results_quiet_or_not(batch, tmp_path):
    for seed in range(batch * 25, batch * 25 + 25):
        m = load(seed, tmp_path)
        for n in (0, 3, 40, 300):
            for kw in ({}, {'max_samples': 2}, {'keep': 'last'}):
                assert run(m.f, n, **kw) == run(m.f, n, quiet=False, **kw), (seed, n, kw, program(seed))

@pytest.mark.parametrize('batch', range(2))
def test_random_programs_with_counters_found_as_met(batch, tmp_path, monkeypatch):
    "A long function's rides find their counters in a dict, made as lines are met (`PICK_LISTS`): the same results."
    monkeypatch.setattr(handlers, 'PICK_LISTS', -1)
    for seed in range(batch * 25, batch * 25 + 25):
        m = load(seed, tmp_path)
        for n in (0, 3, 40, 300):
            for kw in ({}, {'max_samples': 2}):
                assert run(m.f, n, **kw) == run(m.f, n, quiet=False, **kw), (seed, n, kw, program(seed))
