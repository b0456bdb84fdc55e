"""Everything Slack: Block Kit rendering and limits, the Web API client, the chat port, the
transport and the Bolt listeners.
"""
