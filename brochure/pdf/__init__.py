"""Post-process and judge PDFs: page boxes and marks, links, preflight against
an edition's claims, imposition, inspection, veraPDF.
"""
