"""Staff login and users."""
