"""The PDF standards a brief can be written to: the one list the command line and the renderer read.

Imports nothing, so the command line can offer the choices without loading WeasyPrint."""

PDF_VARIANTS = ("pdf/ua-1", "pdf/ua-2", "pdf/a-3b", "pdf/a-2b", "pdf/a-3u", "pdf/a-3a", "none")
