"""``jifen simulate`` and ``jifen rulebook``: the scoring engine on spreadsheets, no server.

This package may do I/O (read FACTS/ROSTER files, write json/table/xlsx) but imports no Django.
"""
