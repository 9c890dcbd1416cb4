"""Tickets (ärenden): the model, the timeline and the operations on them."""
