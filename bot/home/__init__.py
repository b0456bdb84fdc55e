"""The home view: what concerns each person, most urgent first."""
