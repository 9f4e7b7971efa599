"""ONEX service provider interfaces: protocols only."""
