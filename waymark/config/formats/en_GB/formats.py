"""One date format everywhere (issue 10, item 6): "2 December 2026", as GOV.UK writes dates.

Django's own en-GB formats abbreviate the month ("2 Dec 2026"); these replace them wherever a
date is shown without an explicit format. Templates that give a format use "j F Y" too
(tests/core/test_date_format.py checks both).
"""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
