"""A small function to trace. From the repository root:

    python -m tracefunc examples/demo.py:collatz_steps 6           # the trace, as text
    python -m tracefunc examples/demo.py:collatz_steps 6 --json    # the same trace as JSON
    python examples/demo.py                                        # the same from Python: print(tracefunc(...))
"""
from tracefunc import tracefunc

def collatz_steps(n):
    "How many Collatz steps (halve an even number, triple an odd one and add one) take `n` to 1."
    steps = 0
    while n != 1:
        if n % 2: n = 3 * n + 1
        else: n //= 2
        steps += 1
    return steps

if __name__ == "__main__":
    print(tracefunc(collatz_steps, 6))   # the report; tracefunc(collatz_steps, 6).to_dict() is the same trace as data
