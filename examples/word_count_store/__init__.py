"""word-count-store: an EFFECT node that keeps each word count in the Valkey cache."""
