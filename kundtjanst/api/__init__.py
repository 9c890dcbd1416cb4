"""The REST API (/api/v1): tokens, the resources, problem responses and limits."""
