"""Tools around the build: proof sheets, the live preview, rebuilding on save."""
