"""WeasyPrint imported without the slow search for its native libraries.

WeasyPrint 70 opens GObject, Pango, HarfBuzz and fontconfig by trying several
names for each (``weasyprint/text/ffi.py``, ``_dlopen``). For every name that
does not open as it is, cffi asks ``ctypes.util.find_library``, which on Linux
runs ``ldconfig -p``, then gcc and ld, in subprocesses: 22 searches, about
0.2 s of every process that loads the renderer (each worker of a build pays
it). Every list also holds the library's soname (``libpango-1.0.so.0``), which
the dynamic loader opens directly; so while WeasyPrint is imported, the
search answers "not found" at once and the soname is what opens. On a system
without those sonames the import fails, and WeasyPrint is imported again the
usual way. render_pdf imports this module before WeasyPrint.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys


def _import_weasyprint() -> None:
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        return
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        # WeasyPrint prints its installation help before it gives up on a library.
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint  # noqa: F401
    except OSError:
        for name in [name for name in sys.modules if name.split(".")[0] == "weasyprint"]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search


_import_weasyprint()
