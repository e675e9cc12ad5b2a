"""The Tokens section: the table (section), its rows, its commands and its actions."""
