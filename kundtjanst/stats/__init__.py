"""The resolution dashboard: definitions, daily statistics and the figures managers steer by."""
