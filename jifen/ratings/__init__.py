"""The year end: democratic-review grades, stars with quotas, bands and warnings and their
follow-up actions. Kept apart from ``periods`` (which ARCHITECTURE.md would have hold them) so
each stays small: periods freeze and publish scores, ratings decide what a year's score means."""
