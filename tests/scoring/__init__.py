"""The engine's tests: pure Python, they never start Django.

`make test-fast` runs them (with tests/simulation) without pytest-django and without
tests/conftest.py, on hypothesis's small "fast" profile: seconds, for the edit-test loop.
`make test` runs them with everything else on the default profile.
"""

import os

from hypothesis import settings

settings.register_profile("fast", max_examples=10)
settings.load_profile(os.environ.get("JIFEN_HYPOTHESIS", "default"))
