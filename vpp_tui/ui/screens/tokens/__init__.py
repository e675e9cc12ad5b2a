"""Token screens: the add wizard, the details, the renew and settings forms."""
