"""Demo data of the core app: the Örebro county network and its four logins.

Each app keeps its own demo data in its own ``demo.py``, with a ``load(network, *, year)`` that
returns a one-line summary; ``bygdebas.demo`` (the ``load_demo`` command) calls them in order.
This module imports no app.
"""

from __future__ import annotations

from bygdebas.core.models import County, Network, Role, User

NETWORK_SLUG = "orebro"
DEMO_PASSWORD = "demo-bygdebas-2025"
ADMIN_EMAIL = "anna@demo.bygdebas.se"
STAFF_EMAIL = "bertil@demo.bygdebas.se"
BOARD_EMAIL = "styrelse@demo.bygdebas.se"
CONTACT_EMAIL = "cecilia@demo.bygdebas.se"
DEMO_USERS = [
    (ADMIN_EMAIL, "Anna", "Andersson", Role.Kind.ADMIN),
    (STAFF_EMAIL, "Bertil", "Berg", Role.Kind.STAFF),
    (BOARD_EMAIL, "Sara", "Styrelsesson", Role.Kind.BOARD),
    (CONTACT_EMAIL, "Cecilia", "Carlsson", Role.Kind.CONTACT),
]


def demo_network() -> Network | None:
    """The demo network, if it is loaded."""
    return Network.objects.filter(slug=NETWORK_SLUG).first()


def load_network() -> Network:
    """Create the demo network in Örebro county (the geography must be loaded) and its logins."""
    network = Network.objects.create(
        name="Hela Sverige ska leva Örebro län",
        slug=NETWORK_SLUG,
        county=County.objects.get(code="18"),
        tagline="Stad och land – hand i hand!",
        contact_email="orebro@demo.bygdebas.se",
        phone="019-10 20 30",
        address="Box 123\n701 00 Örebro",
    )
    for email, first, last, kind in DEMO_USERS:
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=DEMO_PASSWORD, first_name=first, last_name=last
        )
        Role.objects.create(user=user, network=network, kind=kind)
    return network


def login_lines() -> list[str]:
    """The demo logins, as ``load_demo`` prints them."""
    width = max(len(str(Role.Kind(kind).label)) for *_names, kind in DEMO_USERS)
    return [
        f"Demo logins (password for all: {DEMO_PASSWORD})",
        *(f"  {Role.Kind(kind).label!s:<{width}}  {email}" for email, _f, _l, kind in DEMO_USERS),
    ]
