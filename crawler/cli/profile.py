"""`crawler profile check FILE...` and `crawler profile list`: site profiles, before a crawl
needs them.

check  validates profile files (anywhere on disk) exactly as a crawl would load them: one line
       per file, `FILE: ok ...` or the problem naming file and line; exit 2 when any is broken
list   every profile a crawl can use (CRAWLER_PROFILES folders first, then the bundled ones),
       where each comes from, and the broken ones with their problem
"""

from __future__ import annotations

import argparse
import sys

NAME = "profile"
HELP = "check site profile files (one line per problem, naming file and line); list profiles"


def register(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = ("Profiles are read from the folders in CRAWLER_PROFILES (separated by "
                     "':'), then from the bundled ones; the first profile of a name wins.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate profile files")
    check.add_argument("files", nargs="+", metavar="FILE")
    actions.add_parser("list", help="profiles a crawl can use, and broken ones")


def run(args: argparse.Namespace) -> int:
    if args.action == "check":
        return _check(args.files)
    return _list()


def _check(files: list[str]) -> int:
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.sites import ProfileError, load_profile

    status = 0
    for name in files:
        try:
            profile = load_profile(name)
        except ProfileError as exc:
            print(str(exc), file=sys.stderr)
            status = 2
            continue
        domains = ", ".join(profile.domains) or "no domains"
        print(f"{name}: ok: profile {profile.name!r} ({domains})")
    return status


def _list() -> int:
    # loaded on use: a verb imports only what it needs, so `crawler timestamps` stays quick
    from crawler.sites.registry import read_profiles, user_folders

    profiles = read_profiles()
    folders = ", ".join(str(f) for f in user_folders()) or "none"
    print(f"CRAWLER_PROFILES folders: {folders}")
    for profile in profiles.loaded:
        print(f"{profile.name}  {', '.join(profile.domains) or '-'}  {profile.path}")
    for bad in profiles.broken:
        print(f"{bad.name}  BROKEN  {bad.error}")
    return 0
