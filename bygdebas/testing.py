"""Factories and the fixed test cast.

The cast, used by every view test:

- ``anna``: administrator of network A
- ``bertil``: staff of network A
- ``sara``: board member of network A
- ``cecilia``: contact person of a member organisation in A
- ``david``: staff of network B (the outsider)
- anonymous: a client that is not logged in

Network A is served on ``a.test`` and B on ``b.test``; ``client_for`` gives a client for a host.

Shared helpers: ``sv`` and ``messages_of`` for what a Swedish visitor reads, and ``SmtpServer``, a
real SMTP server on 127.0.0.1 for the tests that send mail.
"""

from __future__ import annotations

import datetime
import itertools
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.contrib.messages import get_messages
from django.test import Client, SimpleTestCase, TestCase, override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from bygdebas.core.models import County, Municipality, Network, Role, User
from bygdebas.events.models import BodyMeeting, Event, PartnershipBody, Registration
from bygdebas.members.models import Engagement, Membership, Organisation, Person
from bygdebas.plan.models import Action, Activity, Area, Plan, Target

PASSWORD = "a-test-password-1"
_sequence = itertools.count(1)


def make_county(**overrides: Any) -> County:
    defaults = {"code": "18", "name": "Örebro län"}
    defaults.update(overrides)
    county, _ = County.objects.get_or_create(code=defaults["code"], defaults=defaults)
    return county


def make_municipality(**overrides: Any) -> Municipality:
    n = next(_sequence)
    defaults: dict[str, Any] = {
        "code": f"{1800 + n % 100:04d}",
        "name": f"Kommun {n}",
        "seat_name": f"Ort {n}",
        "population": 10_000 + n,
    }
    defaults.update(overrides)
    if "county" not in defaults:
        defaults["county"] = make_county()
    return Municipality.objects.create(**defaults)


def make_network(**overrides: Any) -> Network:
    n = next(_sequence)
    defaults: dict[str, Any] = {
        "name": f"Nätverk {n}",
        "slug": f"network-{n}",
        "domain": f"n{n}.test",
        "contact_email": f"office{n}@example.org",
    }
    defaults.update(overrides)
    return Network.objects.create(**defaults)


def make_user(*, role: str | None = None, network: Network | None = None, **overrides: Any) -> User:
    n = next(_sequence)
    defaults: dict[str, Any] = {"email": f"user{n}@example.org", "first_name": f"User{n}"}
    defaults.update(overrides)
    user = User.objects.create_user(password=PASSWORD, **defaults)
    if role is not None:
        assert network is not None, "a role needs a network"
        Role.objects.create(user=user, network=network, kind=role)
    return user


def make_plan(
    *,
    network: Network,
    year: int = 2025,
    areas: tuple[int, ...] = (2, 1),
    **overrides: Any,
) -> Plan:
    """A plan with ``len(areas)`` areas holding that many activities each."""
    defaults: dict[str, Any] = {
        "title": f"Verksamhetsplan {year}",
        "vision": "Hela länet ska leva!",
        "values": "Demokrati och mångfald.",
        "overall_goal": "Livskraftiga bygder.",
        "target_groups": "Lokala utvecklingsgrupper.",
        "purpose": "Stärka lokalt och påverka regionalt.",
    }
    defaults.update(overrides)
    plan = Plan.objects.create(network=network, year=year, **defaults)
    for area_index, count in enumerate(areas):
        area = Area.objects.create(plan=plan, title=f"Område {area_index + 1}", order=area_index)
        for index in range(count):
            Activity.objects.create(
                area=area, text=f"Aktivitet {area_index + 1}.{index + 1}", order=index
            )
    return plan


def make_target(*, activity: Activity, **overrides: Any) -> Target:
    defaults: dict[str, Any] = {"metric": "plan.actions", "value": 2}
    defaults.update(overrides)
    return Target.objects.create(activity=activity, **defaults)


def make_action(
    *, network: Network, activities: list[Activity] | None = None, **overrides: Any
) -> Action:
    n = next(_sequence)
    defaults: dict[str, Any] = {
        "performed_on": datetime.date(2025, 3, 1) + datetime.timedelta(days=n % 200),
        "title": f"Insats {n}",
    }
    defaults.update(overrides)
    action = Action.objects.create(network=network, **defaults)
    if activities:
        action.activities.set(activities)
    return action


def make_event(*, network: Network, **overrides: Any) -> Event:
    """A published public event a month from now, two hours long, with 20 places."""
    n = next(_sequence)
    starts_at = overrides.pop("starts_at", None) or (
        timezone.now() + datetime.timedelta(days=30)
    ).replace(minute=0, second=0, microsecond=0)
    defaults: dict[str, Any] = {
        "title": f"Bygdemöte {n}",
        "description": "Välkommen till ett möte om **bygdens** framtid.",
        "kind": Event.Kind.MEETING,
        "format": Event.Format.PHYSICAL,
        "status": Event.Status.PUBLISHED,
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=2),
        "place_name": "Bygdegården",
        "address": "Byvägen 1",
        "capacity": 20,
    }
    defaults.update(overrides)
    return Event.objects.create(network=network, **defaults)


def make_registration(*, event: Event, **overrides: Any) -> Registration:
    n = next(_sequence)
    defaults: dict[str, Any] = {
        "name": f"Deltagare {n}",
        "email": f"deltagare{n}@example.org",
        "status": Registration.Status.CONFIRMED,
    }
    defaults.update(overrides)
    return Registration.objects.create(event=event, **defaults)


def make_body(*, network: Network, **overrides: Any) -> PartnershipBody:
    n = next(_sequence)
    defaults: dict[str, Any] = {"name": f"Landsbygdsråd {n}", "owner": "Region Örebro län"}
    defaults.update(overrides)
    return PartnershipBody.objects.create(network=network, **defaults)


def make_meeting(*, body: PartnershipBody, **overrides: Any) -> BodyMeeting:
    defaults: dict[str, Any] = {
        "held_on": datetime.date(2025, 4, 2),
        "notes": "Protokoll från mötet.",
        "raised": "Kollektivtrafiken mellan centralorterna.",
    }
    defaults.update(overrides)
    return BodyMeeting.objects.create(body=body, **defaults)


def make_organisation(*, network: Network, **overrides: Any) -> Organisation:
    n = next(_sequence)
    defaults: dict[str, Any] = {
        "name": f"Byalaget Testby {n}",
        "kind": Organisation.Kind.VILLAGE,
        "locality": f"Testby {n}",
    }
    defaults.update(overrides)
    return Organisation.objects.create(network=network, **defaults)


def make_person(*, network: Network, **overrides: Any) -> Person:
    n = next(_sequence)
    defaults: dict[str, Any] = {"name": f"Person Personsson {n}", "email": f"person{n}@example.org"}
    defaults.update(overrides)
    return Person.objects.create(network=network, **defaults)


def make_engagement(*, person: Person, organisation: Organisation, **overrides: Any) -> Engagement:
    defaults: dict[str, Any] = {"role": Engagement.Role.CONTACT}
    defaults.update(overrides)
    return Engagement.objects.create(person=person, organisation=organisation, **defaults)


def make_membership(*, organisation: Organisation, **overrides: Any) -> Membership:
    defaults: dict[str, Any] = {
        "year": 2025,
        "status": Membership.Status.ACTIVE,
        "applied_at": timezone.now(),
    }
    defaults.update(overrides)
    return Membership.objects.create(organisation=organisation, **defaults)


def client_for(network: Network, user: User | None = None) -> Client:
    """A client on the network's host name, logged in as ``user`` when given."""
    client = Client(HTTP_HOST=network.domain)
    if user is not None:
        client.force_login(user)
    return client


if TYPE_CHECKING:
    # What the mixins below are mixed into, so that their super() calls are checked.
    from django.test.client import _MonkeyPatchedWSGIResponse

    _TestCase = TestCase
    _SimpleTestCase = SimpleTestCase
else:
    _TestCase = _SimpleTestCase = object


class CastMixin(_TestCase):
    """``setUpTestData`` for the cast; tests then use ``self.as_anna()`` and friends."""

    network_a: Network
    network_b: Network
    anna: User
    bertil: User
    sara: User
    cecilia: User
    david: User
    cecilia_org: Organisation
    cecilia_person: Person

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        county = make_county()
        cls.network_a = make_network(name="Nätverk A", slug="a", domain="a.test", county=county)
        cls.network_b = make_network(name="Nätverk B", slug="b", domain="b.test", county=county)
        cls.anna = make_user(email="anna@a.test", role=Role.Kind.ADMIN, network=cls.network_a)
        cls.bertil = make_user(email="bertil@a.test", role=Role.Kind.STAFF, network=cls.network_a)
        cls.sara = make_user(email="sara@a.test", role=Role.Kind.BOARD, network=cls.network_a)
        cls.cecilia = make_user(
            email="cecilia@a.test", role=Role.Kind.CONTACT, network=cls.network_a
        )
        cls.david = make_user(email="david@b.test", role=Role.Kind.STAFF, network=cls.network_b)
        # Cecilia's organisation: a member of A, with her as its contact person.
        cls.cecilia_org = make_organisation(network=cls.network_a, name="Cecilias byalag")
        cls.cecilia_person = make_person(
            network=cls.network_a, name="Cecilia Carlsson", email="cecilia@a.test", user=cls.cecilia
        )
        make_engagement(person=cls.cecilia_person, organisation=cls.cecilia_org)
        make_membership(organisation=cls.cecilia_org, year=timezone.localdate().year)

    def as_user(self, user: User | None, network: Network | None = None) -> Client:
        return client_for(network or self.network_a, user)

    def as_anna(self) -> Client:
        return self.as_user(self.anna)

    def as_bertil(self) -> Client:
        return self.as_user(self.bertil)

    def as_sara(self) -> Client:
        return self.as_user(self.sara)

    def as_cecilia(self) -> Client:
        return self.as_user(self.cecilia)

    def as_david(self) -> Client:
        """The outsider, on his own network's host: A's rows must be 404 to him."""
        return self.as_user(self.david, self.network_b)

    def as_anonymous(self) -> Client:
        return self.as_user(None)


def sv(message: str, **params: Any) -> str:
    """``message`` as a Swedish visitor sees it (the UI's default language)."""
    with translation.override("sv"):
        text = gettext(message)
    return text % params if params else text


def sv_plural(singular: str, plural: str, number: int, **params: Any) -> str:
    """A plural message (``ngettext``) as a Swedish visitor sees it."""
    with translation.override("sv"):
        text = ngettext(singular, plural, number)
    return text % params if params else text


def messages_of(response: _MonkeyPatchedWSGIResponse) -> list[str]:
    """The flash messages the request behind ``response`` left for the next page."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listened on a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def smtp_mailers(port: int) -> dict[str, Any]:
    """``MAILERS`` for ``override_settings`` that send over SMTP to 127.0.0.1 on ``port``."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }


class _CollectingHandler:
    def __init__(self, envelopes: list[Any]) -> None:
        self.envelopes = envelopes

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 that keeps every message it receives.

    Test classes get one through ``SmtpServerMixin``. The port is chosen when the object is made;
    ``mailers`` is the ``MAILERS`` setting that sends to it.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.mailers = smtp_mailers(self.port)
        # Appended to by the server's thread; read through a copy.
        self.envelopes: list[Any] = []
        self._controller: Any = None

    def start(self) -> None:
        # aiosmtpd is a development dependency: import it only when a test needs the server.
        from aiosmtpd.controller import Controller

        self._controller = Controller(
            _CollectingHandler(self.envelopes), hostname="127.0.0.1", port=self.port
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def clear(self) -> None:
        self.envelopes.clear()

    @property
    def messages(self) -> list[EmailMessage]:
        """The messages received so far, parsed, in the order they arrived."""
        return [parse_envelope(envelope) for envelope in list(self.envelopes)]

    def messages_to(self, address: str) -> list[EmailMessage]:
        """The messages received so far with ``address`` among the envelope's recipients."""
        return [
            parse_envelope(envelope)
            for envelope in list(self.envelopes)
            if address in envelope.rcpt_tos
        ]

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def parse_envelope(envelope: Any) -> EmailMessage:
    """The message an SMTP envelope carried, with the modern ``email`` API."""
    return message_from_bytes(envelope.original_content, policy=policy.default)


class SmtpServerMixin(_SimpleTestCase):
    """A real SMTP server per test class that all the class's mail goes to, emptied before each test.

    A test's own ``override_settings(MAILERS=...)`` still wins, e.g. to send to a closed port.
    """

    smtp: ClassVar[SmtpServer]

    @classmethod
    def setUpClass(cls) -> None:
        cls.smtp = SmtpServer()
        cls.enterClassContext(cls.smtp)
        cls.enterClassContext(override_settings(MAILERS=cls.smtp.mailers))
        super().setUpClass()

    def setUp(self) -> None:
        super().setUp()
        self.smtp.clear()
