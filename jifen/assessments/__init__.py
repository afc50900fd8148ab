"""Organization assessments: rounds, self and committee sheets, rollups, the fortress index."""
