"""Editions of the knowledge base outside the site: Anki deck, EPUB and PDF (`kb export`)."""
