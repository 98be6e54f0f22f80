"""Plain-number rendering of Decimal figure values for JSON and CSV."""
from decimal import Decimal


def number(value):
    """Return an int when the value is integral, else a float: 362 not 362.00."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value)
