"""Reads shaped for one screen each, in a constant number of queries (no query per student or lesson).

One module per group of screens, mirroring diary/views/: journal, family, homeroom, administration, mail and
reports, with the academic years and periods every screen shares in periods.
"""
