"""The API's marshmallow schemas: what it reads and what it answers, and from them
the OpenAPI document."""
