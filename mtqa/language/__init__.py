"""German language resources (lexicons, a tagger) behind small lazy interfaces; rules ask these modules."""
