"""ONEX infrastructure: errors, resilience, adapters, runtime host and local servers."""
