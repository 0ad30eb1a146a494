"""A small program to trace while it runs. From the repository root:

    python -m tracefunc -t pricing:discount examples/shop.py SAVE10 40 70    # prints 93.5, the trace goes to stderr
    pytest examples/shop_checks.py --tracefunc pricing:discount              # a failing test shows the trace
"""
import sys
from pricing import discount

def checkout(prices, code):
    "What a basket of `prices` costs with discount `code`."
    total = sum(prices)
    return discount(total, code)

if __name__ == "__main__":
    code, *prices = sys.argv[1:]
    print(checkout([float(p) for p in prices], code))
