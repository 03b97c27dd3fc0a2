"""What the keyed endpoints answer and take. Fields that are personal data (e-mail addresses,
phone numbers, the names of people who registered) are null unless the key may read personal
data."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from ninja import Field, Schema
from pydantic import field_validator

from bygdebas.api.models import ApiKey
from bygdebas.core.api_registry import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    RowId,
    Text,
    Timestamp,
    page_schema,
)
from bygdebas.events.api import PublicEventOut


def _may_read_personal(context: dict[str, Any]) -> bool:
    api_key: ApiKey | None = getattr(context["request"], "auth", None)
    return api_key is not None and api_key.has_scope(ApiKey.Scope.READ_PERSONAL)


class SyncFilters(Schema):
    cursor: Text | None = Field(None, description="`next_cursor` of the previous page.")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    updated_since: Timestamp | None = Field(
        None,
        description="Only rows changed at or after this time (ISO 8601, with a time zone). "
        "Rows come in the order they were last changed.",
    )


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    org_number: str
    municipality_code: str | None
    locality: str
    latitude: float | None
    longitude: float | None
    street_address: str
    postal_code: str
    postal_town: str
    website: str
    email: str | None = Field(description="Only with the `read_personal` scope; else null.")
    phone: str | None = Field(description="Only with the `read_personal` scope; else null.")
    founded_year: int | None
    is_youth_led: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_email(obj: Any, context: dict[str, Any]) -> str | None:
        return obj.email if _may_read_personal(context) else None

    @staticmethod
    def resolve_phone(obj: Any, context: dict[str, Any]) -> str | None:
        return obj.phone if _may_read_personal(context) else None


class EngagementOut(Schema):
    organisation_id: int
    role: str


class PersonOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    birth_year: int | None
    language: str
    legal_basis: str
    engagements: list[EngagementOut]
    is_erased: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_engagements(obj: Any) -> list[Any]:
        return list(obj.engagements.all())

    @staticmethod
    def resolve_is_erased(obj: Any) -> bool:
        return obj.erased_at is not None


class MembershipOut(Schema):
    id: int
    organisation_id: int
    year: int
    status: str
    fee: float | None
    invoiced_on: datetime.date | None
    paid_on: datetime.date | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class ActionOut(Schema):
    id: int
    performed_on: datetime.date
    title: str
    description: str
    activity_ids: list[int]
    municipality_code: str | None
    participants: int | None
    link: str
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_activity_ids(obj: Any) -> list[int]:
        return [activity.pk for activity in obj.activity_list]  # prefetched (endpoints.py)


class ActionIn(Schema):
    performed_on: datetime.date
    title: Text = Field(min_length=1, max_length=300)
    description: Text = Field("", max_length=10_000)
    activity_ids: list[RowId] = Field(
        min_length=1, max_length=50, description="Activities of the plan for the action's year."
    )
    municipality_code: Text | None = Field(None, max_length=4)
    participants: int | None = Field(None, ge=0, le=1_000_000)
    link: Text = Field("", max_length=500)

    @field_validator("title")
    @classmethod
    def _title_has_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("The title is empty.")
        return value

    @field_validator("link")
    @classmethod
    def _link_is_a_url(cls, value: str) -> str:
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError as error:
                raise ValueError("Not an http(s) address.") from error
        return value


class EventOut(PublicEventOut):
    is_members_only: bool
    capacity: int | None
    registration_opens_at: datetime.datetime | None
    registration_closes_at: datetime.datetime | None
    confirmed_count: int
    waiting_count: int
    activity_ids: list[int]
    created_at: datetime.datetime

    @staticmethod
    def resolve_activity_ids(obj: Any) -> list[int]:
        return [activity.pk for activity in obj.activity_list]  # prefetched (endpoints.py)


class RegistrationOut(Schema):
    id: int
    event_id: int
    status: str
    attended: bool | None
    name: str | None = Field(description="Only with the `read_personal` scope; else null.")
    email: str | None = Field(description="Only with the `read_personal` scope; else null.")
    organisation: str | None = Field(description="Only with the `read_personal` scope; else null.")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_name(obj: Any, context: dict[str, Any]) -> str | None:
        return obj.name if _may_read_personal(context) else None

    @staticmethod
    def resolve_email(obj: Any, context: dict[str, Any]) -> str | None:
        return obj.email if _may_read_personal(context) else None

    @staticmethod
    def resolve_organisation(obj: Any, context: dict[str, Any]) -> str | None:
        return obj.organisation if _may_read_personal(context) else None


class RegistrationIn(Schema):
    event_id: RowId
    name: Text = Field(min_length=1, max_length=200)
    email: Text = Field(max_length=254)
    organisation: Text = Field("", max_length=200)

    @field_validator("name")
    @classmethod
    def _name_has_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("The name is empty.")
        return value

    @field_validator("email")
    @classmethod
    def _email_is_an_address(cls, value: str) -> str:
        try:
            validate_email(value.strip())
        except ValidationError as error:
            raise ValueError("Not an e-mail address.") from error
        return value.strip()


OrganisationPage = page_schema(OrganisationOut, "OrganisationPage")
PersonPage = page_schema(PersonOut, "PersonPage")
MembershipPage = page_schema(MembershipOut, "MembershipPage")
ActionPage = page_schema(ActionOut, "ActionPage")
EventPage = page_schema(EventOut, "EventPage")
RegistrationPage = page_schema(RegistrationOut, "RegistrationPage")
