"""Names in every language: authorities' and organizations' names per language (with the
default name as fallback, marked with its language), and campaigners' names for countries."""
