"A real tracefunc run: trace a small function with a loop and a branch, and print what each statement saw."
from tracefunc import tracefunc

def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2: n = 3 * n + 1
        else: n //= 2
        steps += 1
    return steps

res = tracefunc(collatz_steps, 6)
print(f"collatz_steps(6) returned {res.ret}")
(stack, trace), = res
for line, (hits, names) in trace.items():
    print(f"{hits:3}  {line:24} {', '.join(f'{k}={[v for _, v in vals]}' for k, vals in names.items())}")
