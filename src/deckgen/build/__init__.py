"""The build: the cache's keys and store under ``build/``, the renderings as jobs (the deck in its
own process), and the pipeline (:mod:`deckgen.build.pipeline`) that writes every output atomically."""
