"""Private building blocks of :mod:`crawler.timestamps`.

Split by job so each table or grammar can be read and reviewed on its own:
``lexicon`` (words per language), ``clean`` (text normalisation), ``zones`` (zone table, page
context, DST rule), ``relative`` (phrases counted back from now), ``absolute`` (dates and wall
times), ``reject`` (texts that are not times), ``fallback`` (dateparser for the long tail).
Nothing here is a public API; import from ``crawler.timestamps``.
"""
