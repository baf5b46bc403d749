"""The PDF brief: the model's blocks as escaped HTML, the Jinja2 template, WeasyPrint with a sandboxed fetcher."""
