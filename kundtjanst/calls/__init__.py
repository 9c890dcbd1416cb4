"""Calls from the phone system: ringing, answered by an agent, ended; shown on the
agent's "Ny kontakt" with the caller's earlier questions, and logged on the ticket."""
