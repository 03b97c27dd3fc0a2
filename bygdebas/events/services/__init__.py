"""Writes for events and registrations (``registrations``) and partnership bodies (``bodies``)."""
