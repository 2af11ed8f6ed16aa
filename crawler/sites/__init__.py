"""Declarative site profiles: one YAML file per aggregator, validated on load, found in the
folders of CRAWLER_PROFILES and in this package."""

from crawler.sites.profile import ProfileError, SiteProfile, load_profile, parse_profile
from crawler.sites.registry import (
    BrokenProfile,
    all_profiles,
    broken_profiles,
    get_profile,
    profile_for_url,
)

__all__ = [
    "BrokenProfile",
    "ProfileError",
    "SiteProfile",
    "all_profiles",
    "broken_profiles",
    "get_profile",
    "load_profile",
    "parse_profile",
    "profile_for_url",
]
