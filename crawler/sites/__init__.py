"""Declarative site profiles: one YAML file per aggregator, validated on load."""

from crawler.sites.profile import (
    ProfileError,
    SiteProfile,
    all_profiles,
    get_profile,
    load_profile,
    profile_for_url,
)

__all__ = [
    "ProfileError",
    "SiteProfile",
    "all_profiles",
    "get_profile",
    "load_profile",
    "profile_for_url",
]
