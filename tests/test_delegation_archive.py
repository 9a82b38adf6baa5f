"""The archive edition of a delegation (``delegations --edition archive``)
makes the brochure's archive claims: PDF/A-2b by veraPDF, with an output
intent and every font embedded, the single and the bilingual edition alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from brochure.pdf import verapdf
from brochure.pdf.inspect import inspect_pdf
from tests.conftest import SAMPLE, run


@pytest.fixture(scope="module")
def leipzig(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Leipzig's archive editions: German, Korean, and both side by side."""
    out = tmp_path_factory.mktemp("archive")
    result = run("delegations", str(SAMPLE), "--only", "leipzig", "--edition", "archive",
                 "--out", str(out), "--strict")
    assert result.exit_code == 0, result.output
    return out / "delegations" / "leipzig"


def test_a_delegations_archive_editions_are_listed_in_its_manifest(leipzig):
    files = json.loads((leipzig / "manifest.json").read_text("utf-8"))["files"]
    assert [(f["path"], f["edition"], f["language"]) for f in files] == [
        ("leipzig_archive_de.pdf", "archive", "de"),
        ("leipzig_archive_ko.pdf", "archive", "ko"),
        ("leipzig_archive_de+ko.pdf", "archive", "de+ko")]


def test_a_delegations_archive_editions_claim_pdf_a_2b_with_fonts_embedded(leipzig):
    for path in sorted(leipzig.glob("*.pdf")):
        report = inspect_pdf(path)
        assert report.variant.pdfa == "PDF/A-2b", path.name
        assert report.output_intents, path.name
        assert report.fonts and all(f.embedded for f in report.fonts), path.name
        title = report.metadata.xmp_title or ""
        assert title == report.metadata.info_title, path.name
        assert "Leipzig" in title or "라이프치히시 대표단" in title, (path.name, title)


def test_a_delegations_archive_editions_pass_pdf_a_2b(leipzig):
    paths = sorted(leipzig.glob("*.pdf"))
    assert len(paths) == 3
    assert verapdf.available(), "veraPDF cannot run here: " + verapdf.SETUP_HINT
    for path, verdict in verapdf.validate(paths, "2b").items():
        failures = [f"{rule} at {rule.contexts}" for rule in verdict.failed_rules]
        assert verdict.passed and not failures and not verdict.error, (path.name, failures,
                                                                       verdict.error)
