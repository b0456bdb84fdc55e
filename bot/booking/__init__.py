"""The conversation (samtalen) between an employee and their personnel leader: proposing,
answering, moving, the invitation, the agreement, and the nudges around it.
"""
