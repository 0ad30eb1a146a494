"Prices for the shop example (examples/shop.py): a discount code, and a bonus for large orders."

def discount(total, code):
    "`total` after discount `code` (SAVE10: 10% off, HALF: half price); orders over 100 get 5% more off."
    rate = {'SAVE10': 0.10, 'HALF': 0.50}.get(code, 0)
    if total > 100: rate += 0.05
    return round(total * (1 - rate), 2)
