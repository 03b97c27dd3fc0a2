"""The member counts that plan targets can follow (registered in MembersConfig.ready)."""

from __future__ import annotations


def register_member_metrics() -> None:
    """Filled in by the statistics work: members.organisations, members.new, members.youth_led…"""
