"""ONEX kernel: contracts, node archetypes, container, envelopes, FSM and workflow engines."""
