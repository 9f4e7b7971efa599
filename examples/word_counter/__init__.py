"""word-counter: a COMPUTE node that counts the words of each submitted text."""
