"""German language resources behind small lazy interfaces (lexicons, taggers, word lists)."""
