"""Network results: shared, posted once to every member department's channel, recognised; open
networks.
"""
