"""Importing historical exit records from CSV and XLSX files through a mapping file.

- ``readers``: CSV (encoding detected or given) and XLSX into rows of text cells;
- ``mapping``: the YAML mapping format, checked against the questionnaire on load;
- ``damage``: what spreadsheets do to bands and long ids;
- ``importer``: map and validate every row, then write all records or none;
- ``cli``: ``flask --app wsgi import records``.
"""
