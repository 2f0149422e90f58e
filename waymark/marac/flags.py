"""Flag and tag: incidents between a pair with a MARAC referral in the last 12 months (issue 5)."""
