"""XLIFF 1.2 and gettext PO: the files a translator's tool reads and writes.

One unit per field; its state says what the translator should do. Reading a
returned file gives the units back with the line each starts on, so that a
problem in it can be located.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from translate.storage import po, xliff

from brochure.problems import Location, Problems, relative_name

FORMATS = {"xliff": ".xlf", "po": ".po"}
XLIFF_NAMESPACE = "urn:oasis:names:tc:xliff:document:1.2"

TRANSLATED = "translated"
NEEDS_TRANSLATION = "needs-translation"
NEEDS_REVIEW = "needs-review-translation"
# States of a returned unit that mean "the translator says this is done".
DONE_STATES = frozenset({TRANSLATED, "signed-off", "final"})


@dataclass
class Unit:
    """One field, as exchanged with a translator."""

    id: str
    source: str
    target: str
    state: str
    notes: list[str] = field(default_factory=list)
    line: int | None = None     # where the unit starts in a returned file


# --- XLIFF 1.2 and PO -----------------------------------------------------------------

class _Xliff12Unit(xliff.xliffunit):
    namespace = XLIFF_NAMESPACE


class _Xliff12File(xliff.xlifffile):
    """translate-toolkit's XLIFF store, writing version 1.2 (its default is 1.1)."""

    UnitClass = _Xliff12Unit
    namespace = XLIFF_NAMESPACE
    XMLskeleton = f"""<?xml version="1.0" ?>
<xliff version='1.2' xmlns='{XLIFF_NAMESPACE}'>
<file original='NoName' source-language='en' datatype='plaintext'>
<body>
</body>
</file>
</xliff>"""


def write_xliff(units: list[Unit], edition_id: str, master: str, language: str) -> bytes:
    store = _Xliff12File(sourcelanguage=master)
    store.settargetlanguage(language)
    for unit in units:
        item = store.addsourceunit(unit.source)
        item.setid(unit.id)
        item.settarget(unit.target)
        # The state says what to do; "approved" is the reviewer's, not ours.
        item.xmlelement.attrib.pop("approved", None)
        item.getlanguageNode(lang=None, index=1).set("state", unit.state)
        for note in unit.notes:
            item.addnote(note, origin="developer")
    # Named only now: the toolkit adds units to the file called "NoName".
    next(store.document.getroot().iterchildren(store.namespaced("file"))).set(
        "original", edition_id)
    return bytes(store)


def write_po(units: list[Unit], edition_id: str, master: str, language: str) -> bytes:
    store = po.pofile(noheader=True)
    header = store.addsourceunit("")
    header.target = (f"Project-Id-Version: {edition_id}\nLanguage: {language}\n"
                     "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
                     f"Content-Transfer-Encoding: 8bit\nX-Source-Language: {master}\n")
    for unit in units:
        item = store.addsourceunit(unit.source)
        item.setcontext(unit.id)   # the same English text may appear in two fields
        item.target = unit.target
        for note in unit.notes:
            item.addnote(note, origin="developer")
        item.markfuzzy(unit.state == NEEDS_REVIEW)
    return bytes(store)


@dataclass
class ExchangeFile:
    """A translator's file, read back."""

    name: str
    source_language: str | None
    target_language: str | None
    units: list[Unit]


def read_exchange(path: Path, problems: Problems) -> ExchangeFile | None:
    name = relative_name(path)
    try:
        data = path.read_bytes()
    except OSError:
        problems.error("this file cannot be opened", Location(name),
                       hint="Check the file name and folder.")
        return None
    is_po = path.suffix.lower() in (".po", ".pot") or \
        (path.suffix.lower() not in (".xlf", ".xliff") and not data.lstrip().startswith(b"<"))
    if b"urn:oasis:names:tc:xliff:document:2" in data:
        problems.error("this is an XLIFF 2 file; brochure reads XLIFF 1.2 and PO",
                       Location(name),
                       hint="Save it from the translation tool as XLIFF 1.2, the format "
                            "of the file 'brochure export' made.")
        return None
    try:
        return _read_po(name, data) if is_po else _read_xliff(name, data)
    except etree.XMLSyntaxError as exc:
        problems.error(f"this is not a valid XLIFF file ({exc.msg})",
                       Location(name, exc.lineno or None),
                       hint="Send back the file exactly as the translation tool saved it.")
    except Exception as exc:  # whatever the toolkit's parsers raise on a damaged file
        kind = "PO" if is_po else "XLIFF 1.2"
        problems.error(f"this file cannot be read as {kind} ({exc})", Location(name),
                       hint="Export it from the translation tool as XLIFF 1.2 or PO.")
    return None


def _read_xliff(name: str, data: bytes) -> ExchangeFile:
    store = xliff.xlifffile.parsestring(data)
    units = []
    for item in store.unit_iter():
        target_node = item.getlanguageNode(lang=None, index=1)
        state = target_node.get("state") if target_node is not None else None
        if state is None and item.isapproved():
            state = TRANSLATED
        units.append(Unit(item.xmlelement.get("id") or "", str(item.source or ""),
                          str(item.target or ""), state or NEEDS_TRANSLATION,
                          line=item.xmlelement.sourceline))
    return ExchangeFile(name, store.getsourcelanguage(), store.gettargetlanguage(), units)


def _read_po(name: str, data: bytes) -> ExchangeFile:
    store = po.pofile.parsestring(data)
    units = []
    for item in store.units:
        if item.isheader() or item.isobsolete():
            continue
        target = str(item.target or "")
        state = (NEEDS_TRANSLATION if not target else
                 NEEDS_REVIEW if item.isfuzzy() else TRANSLATED)
        units.append(Unit(item.getcontext() or "", str(item.source or ""), target, state,
                          line=item.line_number))
    header = store.parseheader()
    return ExchangeFile(name, header.get("X-Source-Language"), store.gettargetlanguage(),
                        units)
