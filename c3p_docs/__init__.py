"""c3p-docs: proposal documents for Japan's City-to-City Collaboration for Zero Carbon Society."""

__version__ = "0.1.0"
