"""Instrument definitions shipped with Waymark, as data files read by ``waymark.risk.loading``."""

from pathlib import Path

INSTRUMENTS_DIR = Path(__file__).resolve().parent
SHIPPED_DASH24 = INSTRUMENTS_DIR / "dash24_v1.json"
