"""The shared layer every feature stands on: clock, calendar, policy, i18n, the neutral message
model, permissions, audit and the due-message shape. Imports no feature and no platform.
"""
