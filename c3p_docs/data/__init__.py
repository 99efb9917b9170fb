"""Data files shipped with the package (country aliases, fontconfig)."""
