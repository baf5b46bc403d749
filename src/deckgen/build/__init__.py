"""The build: the output registry (``outputs``), its options and typed results (``options``),
the keys of what each output is made from (``keys``), the store under ``build/`` (``store``,
``manifest``, ``buildfs``, ``figcache``), the renderings as jobs (``jobs``; the deck in its own
process, ``processes``), and the pipeline (``pipeline``) that writes every output atomically."""
