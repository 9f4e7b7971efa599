"""Real local servers without Docker: provision, start, stop and report the ONEX stack."""
