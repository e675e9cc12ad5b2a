"""The Apps and eBooks sections' shared table (section), its rows and its messages."""
