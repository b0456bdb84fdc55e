"""Reminders that stand on their own: PULS talks, the reference leader, network themes, snoozes and
pauses, and the outbox's own messages (digest, failure report).
"""
