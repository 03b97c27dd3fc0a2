"""A test-only app with small models for the shared pieces that apps build on (submissions with
moderation, confirmation by e-mail) and templates for the navigation panels.

It is installed only when the tests run (``settings.TESTING``); it has no migrations, so the test
database creates its tables directly.
"""
