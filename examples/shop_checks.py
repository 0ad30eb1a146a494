"""Tests of the shop example, one of them failing on purpose (`pytest` does not collect this file unless named):

    pytest examples/shop_checks.py --tracefunc pricing:discount
"""
from shop import checkout

def test_save10():
    assert checkout([40, 20], 'SAVE10') == 54.0

def test_half_price():
    assert checkout([80, 40], 'HALF') == 60.0
