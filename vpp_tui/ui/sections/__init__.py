"""One module per console section; each section is a Textual screen (a mode)."""
