"""A test-only app with small models for the shared pieces that apps build on (submissions with
moderation, confirmation by e-mail) and templates for the navigation panels.

It is installed only when the tests run (``settings.TESTING``), so ``makemigrations --check`` and
the site never see it; its migration depends only on core's first (the network and the user).
"""
