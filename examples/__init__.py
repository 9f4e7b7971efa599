"""Example ONEX nodes: small declarative nodes that `just dev` runs beside the registry."""
