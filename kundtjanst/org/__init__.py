"""The organisation: departments, groups (kundtjänst and svarsgrupper) and categories."""
