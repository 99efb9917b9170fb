"""Document renderers: one module per output format, driven by templates."""
