"""Views of the pages: each parses its input, calls selectors or a service, renders."""
