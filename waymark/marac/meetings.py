"""MARAC meetings: schedule, agenda, research, meeting mode, actions and minutes (issue 5)."""
