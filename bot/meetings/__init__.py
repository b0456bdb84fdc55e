"""Department meetings: prompts before, a follow-up after, and what to present."""
