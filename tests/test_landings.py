"""Where an exception lands in the frame that raised it, the lines that ran unreported before it are counted once: a
`finally` whose first line is a loop (`shutil.rmtree`'s shape: the loop comes round to the handler's first line again
and again), and with every sample limit, since quiet lines are what make the landing count."""
import pytest
from tracefunc import tracing

def step(stack, boom):
    stack.pop()
    if len(stack) == boom: raise OSError(boom)

def drain(n, boom):
    stack = [1] * n
    try:
        while stack:
            step(stack, boom)
    finally:
        while stack:
            x = stack.pop()
            if x is not None:
                continue
            y = 1
    return 1

@pytest.mark.parametrize('max_samples', [10, 3, 1, 0])
@pytest.mark.parametrize('keep', ['first', 'last'])
def test_a_finally_whose_first_line_is_a_loop(max_samples, keep):
    "12 items, `step` raises when 4 are left: 8 steps (the last raises), then the finally pops the 4 left."
    with tracing(drain, max_samples=max_samples, keep=keep) as res:
        with pytest.raises(OSError): drain(12, 4)
    hits = {k: h for k, (h, _) in res[0][1].items()}
    assert hits == {'stack = [1] * n': 1, 'try:': 1, 'while stack:': 8, 'step(stack, boom)': 8, 'while stack: ': 5,
                    'x = stack.pop()': 4, 'if x is not None:': 4, 'continue': 4}

def loop_in_handler(n):
    try:
        raise KeyError(n)
    except KeyError:
        for i in range(n):
            n -= 1
    return n

@pytest.mark.parametrize('max_samples', [10, 1])
def test_a_handler_whose_first_line_is_a_loop(max_samples):
    with tracing(loop_in_handler, max_samples=max_samples) as res: loop_in_handler(5)
    assert {k: h for k, (h, _) in res[0][1].items()} == {
        'try:': 1, 'raise KeyError(n)': 1, 'except KeyError:': 1, 'for i in range(n):': 6, 'n -= 1': 5, 'return n': 1}
