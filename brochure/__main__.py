"""``python -m brochure``: the same command as ``brochure``."""

from brochure.cli.commands import run

run()
