"""``deckgen preview``: the brief's pages and the deck's slides side by side in a browser,
refreshed in place after every save, with the source's errors at their file:line.

- :mod:`.session`: the watch loop's events turned into the page's state;
- :mod:`.choices`: which brief of a collection, which edition, which row is shown;
- :mod:`.images`: the PDF's pages rendered by pdfium; :mod:`.slides`: the deck through
  LibreOffice, in the background;
- :mod:`.server`: the loopback-only web server and its event stream; :mod:`.state`: what the
  page shows;
- :mod:`.sources` and :mod:`.opener`: a click opened at its source place in the editor;
- ``static/``: the page, its script and its style.
"""
