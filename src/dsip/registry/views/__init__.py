"""Registry screens, one module per screen (list, detail, edit, reveal, duplicates, export)."""
