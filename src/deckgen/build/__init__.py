"""The build: the cache's keys and store under ``build/``, the renderings as jobs (the deck in its own
process), and the pipeline that writes every output atomically.

The names a caller needs are here: ``build``, ``check``, ``BuildOptions``, ``BuildResult``."""

from .pipeline import FORMATS, BuildOptions, BuildResult, build, check, load, validate, warm_up

__all__ = ["FORMATS", "BuildOptions", "BuildResult", "build", "check", "load", "validate", "warm_up"]
