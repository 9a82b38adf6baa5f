"""``python -m brochure``: the same command as ``brochure``."""

from .cli import main

main(prog_name="brochure")
