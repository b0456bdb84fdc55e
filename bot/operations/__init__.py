"""Running the bot as a service: request context, logs, metrics, readiness and the doctor.

What an IT operations team needs next to the features; nothing here knows a chat platform
except through what the composition root hands it.
"""
