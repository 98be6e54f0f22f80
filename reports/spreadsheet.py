"""CSV cells that spreadsheet programs show as text and never evaluate as formulas."""

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Google Sheets
# (OWASP "CSV injection"); agency names come from uploaded files and staff lists.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Return `value` for a CSV cell: text that would start a formula gets a leading apostrophe,
    which spreadsheets hide and which keeps the text as typed; numbers and None pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values):
    return [safe_cell(v) for v in values]
