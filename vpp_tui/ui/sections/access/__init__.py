"""The Access section (key 8): roles, admins with their grants, scope tags (issue 10)."""
