"""Amazon's wire formats and the SP-API door, in plain Python.

Nothing in this package imports ``odoo``: it parses and builds what Amazon sends and
expects, and talks to Amazon through python-amazon-sp-api. The ORM models of the addon
are thin glue over it.
"""
