"""Modal screens shared by the sections: help, confirm, error."""
