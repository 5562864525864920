"""seekwire: French-aware full-text search over scraped news pages."""

__version__ = "0.1.0"
