"""Render: the context → HTML (Jinja, Markdown, typography) → PDF bytes through
WeasyPrint, with the editions' colours and fonts.
"""
