"""Site search: the index the browser searches (built from notes, not from rendered pages).

- ``text``: normalisation and tokens, shared rules with the browser worker
  (overrides/assets/javascripts/kb-search-worker.js implements the same steps);
- ``synonyms``: synonym groups (tools/kb/data/synonyms.yml plus the glossary's aliases);
- ``build``: the compact index (vocabulary, postings, question list, snippets).
"""
