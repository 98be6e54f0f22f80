"""zh-hans number formats: thousands grouped with commas, as on English pages (issue 10: "3119" vs "3,119").

Only the number settings differ from Django's zh_Hans formats; dates fall back to Django's.
"""
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
