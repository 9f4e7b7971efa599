"""Pydantic models of the infrastructure layer, grouped by concept."""
