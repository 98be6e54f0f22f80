"""Layout rules (to be filled)."""
from __future__ import annotations


def extract(text):
    return [], []
