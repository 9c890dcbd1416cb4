"""Administration: users, departments, groups, categories and routing rules."""
