"""The organisation: people, departments and networks, imported from the municipality's files and
looked up in the chat platform's directory.
"""
