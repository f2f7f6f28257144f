"""Rules of this family are declared here."""
