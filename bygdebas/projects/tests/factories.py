"""Small factories for the knowledge bank's tests (the cast is in ``bygdebas.testing``)."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from bygdebas.core.models import Network
from bygdebas.core.moderation import ModerationStatus
from bygdebas.core.search import index_object
from bygdebas.plan.models import Activity, Area, Plan
from bygdebas.projects.models import Example, FundingCall, Project

# The seed plan's wording for the activities the app logs against.
SUPPORT = "Medverka till och stödja projekt på landsbygderna."
EXAMPLES = "Sprida goda exempel på lokal utveckling för hållbar framtid i landsbygderna."
YOUTH = "Stödja engagemang för barn och ungdomar."


def make_support_plan(network: Network, year: int = 2025) -> dict[str, Activity]:
    """A plan with the seed plan's support, examples and youth activities, and another."""
    plan = Plan.objects.create(network=network, year=year, title=f"Verksamhetsplan {year}")
    area = Area.objects.create(plan=plan, title="Rådgivning, stöd och utbildning", order=0)
    texts = {"support": SUPPORT, "examples": EXAMPLES, "youth": YOUTH, "other": "Delta i möten."}
    return {
        key: Activity.objects.create(area=area, text=text, order=index)
        for index, (key, text) in enumerate(texts.items())
    }


def make_project(*, network: Network, **overrides: Any) -> Project:
    defaults: dict[str, Any] = {"name": "Byskolans framtid", "status": "running"}
    defaults.update(overrides)
    return Project.objects.create(network=network, **defaults)


def make_example(*, network: Network, published: bool = True, **overrides: Any) -> Example:
    """An example; published ones are approved, dated and indexed for search."""
    defaults: dict[str, Any] = {
        "title": "Byskolan som blev bygdegård",
        "summary": "När skolan lades ner tog byalaget över huset.",
        "story": "Ett **bra** exempel.",
    }
    defaults.update(overrides)
    if published:
        defaults.setdefault("moderation_status", ModerationStatus.APPROVED)
        defaults.setdefault("published_at", timezone.now())
    example = Example.objects.create(network=network, **defaults)
    index_object(example)
    return example


def make_call(*, network: Network, **overrides: Any) -> FundingCall:
    today = timezone.localdate()
    defaults: dict[str, Any] = {
        "funder": "LEADER Bergslagen",
        "title": "Lokala mötesplatser",
        "deadline_on": today + datetime.timedelta(days=30),
    }
    defaults.update(overrides)
    return FundingCall.objects.create(network=network, **defaults)


def jpeg_upload(name: str = "foto.jpg", size: tuple[int, int] = (800, 600)) -> SimpleUploadedFile:
    out = io.BytesIO()
    PILImage.new("RGB", size, (60, 140, 80)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
