"""The invented stories of the bundled sample aggregator: deterministic, so tests can count them.

Nothing here is copied from a real site: headlines, publishers and bodies are assembled from
small invented vocabularies with a fixed random seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

PUBLISHERS = (
    "First Wire",
    "Harbor Daily",
    "Metro Dispatch",
    "Valley Times Online",
    "Northern Ledger",
    "Coastal Herald",
    "The Civic Post",
    "Summit Gazette",
    "Riverbend Chronicle",
    "Pacific Bulletin",
)
PLACES = (
    "Lakeport", "Brindale", "Oster Bay", "Kellmoor", "Santa Varo", "Greywick", "Port Alden",
    "Maravel", "Duncliffe", "Hollis Ridge", "Tamsin Falls", "Eastmere",
)
SUBJECTS = (
    "city council", "transit authority", "port operators", "school board", "water utility",
    "farmers' cooperative", "chip makers", "hospital network", "airline regulators",
    "fishing fleet", "housing agency", "energy ministry",
)
ACTIONS = (
    "approves", "delays", "rejects", "expands", "pauses", "reviews", "funds", "scraps",
)
OBJECTS = (
    "flood barrier plan", "night bus routes", "export licence rules", "solar farm tender",
    "teacher pay deal", "runway extension", "rare mineral quota", "bridge repair budget",
    "fare freeze", "coastal wind project", "data centre permit", "harbour dredging contract",
)
REASONS = (
    "after a tense late-night vote", "as costs climb", "amid safety worries",
    "following a public outcry", "ahead of the winter season", "despite opposition from residents",
    "after an audit", "as talks stall",
)
SENTENCE_PARTS = (
    ("Officials in {place}", "Residents of {place}", "Analysts following {place}",
     "Business owners in {place}", "Engineers working near {place}"),
    ("said on Tuesday that", "told reporters that", "warned that", "expect that",
     "argued during a hearing that"),
    ("the {subject} would need more time", "the decision on the {object} was overdue",
     "funding for the {object} remained uncertain", "the {subject} had underestimated demand",
     "a revised timetable for the {object} is being drafted"),
    ("before the end of the quarter.", "while a review continues.",
     "unless new money is found.", "according to documents seen by the paper.",
     "as the debate moves to the regional assembly."),
)
# Relative times as aggregators print them, with their age in minutes.
AGES = (
    ("just now", 0), ("2 minutes ago", 2), ("8 minutes ago", 8), ("17 minutes ago", 17),
    ("42 minutes ago", 42), ("an hour ago", 60), ("2 hours ago", 120), ("3 hours ago", 180),
    ("5 hours ago", 300), ("8 hours ago", 480), ("11 hours ago", 660), ("a day ago", 1440),
    ("2 days ago", 2880),
)


@dataclass
class Story:
    slug: str
    headline: str
    publisher: str
    age_text: str
    age_minutes: int
    summary: str
    paragraphs: list[str]
    subheads: list[str]
    in_listing: bool
    related: list[str] = field(default_factory=list)  # slugs, page order

    @property
    def path(self) -> str:
        return f"/story/{self.slug}.html"

    @property
    def image_path(self) -> str:
        return f"/static/img/{self.slug}.jpg"


def _sentence(rng: random.Random, place: str, subject: str, obj: str) -> str:
    words = [rng.choice(options) for options in SENTENCE_PARTS]
    return " ".join(words).format(place=place, subject=subject, object=obj)


def build_stories(count: int = 48, hidden: int = 6, seed: int = 8) -> list[Story]:
    """`count` stories; the last `hidden` are on no listing page, only reachable as teasers."""
    rng = random.Random(seed)
    stories: list[Story] = []
    used: set[str] = set()
    for i in range(count):
        while True:
            place, subject = rng.choice(PLACES), rng.choice(SUBJECTS)
            action, obj, reason = rng.choice(ACTIONS), rng.choice(OBJECTS), rng.choice(REASONS)
            headline = f"{place} {subject} {action} {obj} {reason}"
            headline = headline[0].upper() + headline[1:]
            if headline not in used:
                used.add(headline)
                break
        slug = f"{i + 1:03d}-" + "-".join(
            w.strip("'").lower() for w in f"{place} {subject} {action}".split()
        )
        age_text, age_minutes = AGES[i % len(AGES)]
        paragraphs = [_sentence(rng, place, subject, obj) + " " + _sentence(rng, place, subject, obj)
                      for _ in range(rng.randint(6, 10))]
        summary = paragraphs[0].split(".")[0] + "."
        stories.append(
            Story(
                slug=slug,
                headline=headline,
                publisher=PUBLISHERS[i % len(PUBLISHERS)],
                age_text=age_text,
                age_minutes=age_minutes,
                summary=summary,
                paragraphs=paragraphs,
                subheads=[f"What {place} is watching", f"Why the {obj} matters"],
                in_listing=i < count - hidden,
            )
        )
    slugs = [s.slug for s in stories]
    hidden_slugs = slugs[count - hidden:]
    for i, story in enumerate(stories):
        others = [s for s in slugs if s != story.slug]
        n = 6 + (i % 7)  # 6..12 teasers
        picks = rng.sample(others, n)
        # Every hidden story is linked from at least one listed story's related list.
        if story.in_listing:
            extra = hidden_slugs[i % hidden]
            if extra != story.slug and extra not in picks:
                picks[rng.randrange(n)] = extra
        story.related = picks
    return stories
