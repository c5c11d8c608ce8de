"""Reads of the pages, one module per page; every table shown costs one or two queries."""
