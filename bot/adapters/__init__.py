"""Adapters from the platform-neutral domain to concrete platforms (Slack now, Teams later)."""
