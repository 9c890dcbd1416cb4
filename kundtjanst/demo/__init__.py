"""Demo data: a realistic Swedish municipality to try the system with."""
