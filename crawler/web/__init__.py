"""`crawler web`: a read-only status application over the crawler's database.

Modules: app (routes and pages), access (bind policy, token check, security headers),
storyindex (the in-memory story index pages search, refreshed in the background), queries (the
database reads: runs, one story, its sightings and its cluster), charts (inline SVG drawn on the
server), metrics (the Prometheus exposition), schedules (the jobs as the scheduler sees them),
logtail (a run's log lines; secrets masked by crawler.redact), fmt (template filters).
"""
