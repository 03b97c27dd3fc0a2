"""The Örebro county demo: ``python manage.py load_demo`` (``make demo``).

Each app keeps its demo data in its own ``demo.py`` with ``load(network, *, year) -> str`` (a
one-line summary); the command creates the network and its logins (``core.demo``) and calls the
apps in the order of ``STEPS``. An app added later appends its ``demo`` module there.
"""
