"""Reader search: Indonesian and English stemming over an index table of live public articles."""
