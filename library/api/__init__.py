"""The JSON API: its views, the OpenAPI description, the API reference page and the contract's
field names.
"""
