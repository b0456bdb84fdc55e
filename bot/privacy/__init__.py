"""Privacy by design: the notice, export, erasure and retention of personal data."""
