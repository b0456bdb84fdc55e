"""Netværksbot: the domain, its services and the composition root."""
