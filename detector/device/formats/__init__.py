"""One pure parser per artefact: text in, records with 1-based line numbers out, blind to the source."""
