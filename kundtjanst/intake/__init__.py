"""Intake: the citizen's question form and status page, and kundtjänst's "Ny kontakt"."""
