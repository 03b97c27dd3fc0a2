"""Models of the connectivity app."""
