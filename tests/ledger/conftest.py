"""The branch worked by hand in tests/reports/conftest.py, for the stored-results tests."""

from tests.reports.conftest import branch  # noqa: F401 (a fixture)
