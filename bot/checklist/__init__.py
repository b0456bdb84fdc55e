"""The personnel leader's 10 points (the seed's checklist) as a private round, and the next steps
each gap leads to.
"""
