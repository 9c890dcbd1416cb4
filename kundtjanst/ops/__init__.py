"""Operators' endpoints: is the process alive (/healthz), may it take traffic (/readyz)."""
