"""The network secretariat's work: networks and members, the overview, reports."""
