"""Writes to partnership bodies and their meetings."""
