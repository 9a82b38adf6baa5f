"""``python -m brochure``: the same command as ``brochure``."""

from brochure.cli.commands import main

main(prog_name="brochure")
