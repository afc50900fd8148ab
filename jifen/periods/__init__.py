"""Closing periods: the quarterly review and sign-off, public notice (公示) and objections."""
