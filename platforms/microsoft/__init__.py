"""Microsoft 365: the Outlook calendar through Microsoft Graph (and, next, Teams)."""
