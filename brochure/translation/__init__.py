"""Translators' round trip: status and lock files, export and import of XLIFF
and PO, writing text files back in their own shape.
"""
