"""Tables, engine and session handling, and migrations. Imports nothing from the rest of the bot."""
