"""Load, validate and localise: YAML with positions → the checked project → a
language's template context.
"""
