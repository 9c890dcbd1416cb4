"""Routing: ordered rules that send new tickets to the right group."""
