"""Signals the agencies app sends about writes that bypass model signals (bulk_create, bulk_update).

bulk_written: agencies and regions whose reporting obligations changed in one bulk write
(`agencies`: agency ids; `regions`: region ids, None for agencies without a region). The
reports app recounts /coverage/ from them (reports/coverage_signals.py).
"""
from django.dispatch import Signal

bulk_written = Signal()
