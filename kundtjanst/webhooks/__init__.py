"""Signed webhooks: subscriptions, deliveries written with the change that causes
them, and their sending with retries (Standard Webhooks)."""
