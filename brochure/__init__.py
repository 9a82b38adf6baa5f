"""brochure: turn YAML content into print-ready, multilingual PDF brochures.

The pipeline, one module per stage:
sources (load YAML with positions) → validate → localise → render_html →
render_pdf → write. ``build`` runs them; ``cli`` is a thin layer on top.
"""

__version__ = "0.1.0"
