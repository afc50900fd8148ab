"""The documents Jifen reads and hands out, whatever they say: uploaded spreadsheets read into
rows (``reading``), plain tables written as xlsx and CSV (``tables``), the A4 forms offices file
and sign (``paper_forms``), the charts the reports draw (``charts``), and the rule that no cell
written begins a formula (``formulas``).

It sits below every app and imports none of them (see ``[tool.importlinter]`` in
pyproject.toml): the apps decide what goes into a document, this package only how it is laid out.
"""
