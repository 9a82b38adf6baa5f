"""A photo's print and screen versions made once per machine, kept in the
user's cache folder: the same bytes as made anew."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE

from brochure.defaults import DEFAULT_CMYK_PROFILE
from brochure.pdf import reimage
from brochure.render import colour, kept_images

PHOTO = SAMPLE / "images" / "forest-path.jpg"  # a real photograph


@pytest.fixture
def conversions(tmp_path, monkeypatch) -> list[str]:
    """The conversions really made, with an empty cache folder and no
    conversion remembered by the process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    made: list[str] = []
    to_cmyk, reduced = colour._converted_to_cmyk, reimage._reduced_jpeg

    def counted_cmyk(data, profile):
        made.append("cmyk")
        return to_cmyk(data, profile)

    def counted_reduced(data, size):
        made.append("reduced")
        return reduced(data, size)

    monkeypatch.setattr(colour, "_converted_to_cmyk", counted_cmyk)
    monkeypatch.setattr(reimage, "_reduced_jpeg", counted_reduced)
    forget_in_process()
    yield made
    forget_in_process()


def forget_in_process() -> None:
    colour._image_to_cmyk.cache_clear()
    reimage._smaller_jpeg.cache_clear()


def both_versions() -> tuple[bytes, bytes]:
    data = PHOTO.read_bytes()
    return colour.image_to_cmyk(data, DEFAULT_CMYK_PROFILE), reimage._smaller_jpeg(data, (400, 267))


def kept_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("brochure/photo-*"))


def test_a_photo_converted_once_is_read_back_by_a_new_process(tmp_path, conversions):
    first = both_versions()
    assert conversions == ["cmyk", "reduced"]
    assert len(kept_files(tmp_path / "cache")) == 2
    forget_in_process()  # as a new worker process starts
    assert both_versions() == first
    assert conversions == ["cmyk", "reduced"]  # none made again


def test_a_damaged_kept_photo_is_converted_anew(tmp_path, conversions):
    first = both_versions()
    for path in kept_files(tmp_path / "cache"):
        stored = path.read_bytes()
        path.write_bytes(stored[:40] + bytes([stored[40] ^ 0xFF]) + stored[41:])
    forget_in_process()
    assert both_versions() == first
    assert conversions == ["cmyk", "reduced"] * 2


def test_without_a_writable_cache_folder_photos_are_converted_every_time(
        tmp_path, conversions, monkeypatch):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("in the way")
    monkeypatch.setenv("XDG_CACHE_HOME", str(not_a_folder))
    first = both_versions()
    forget_in_process()
    assert both_versions() == first
    assert conversions == ["cmyk", "reduced"] * 2


def test_the_least_recently_used_photos_go_first_beyond_the_bound(
        tmp_path, conversions, monkeypatch):
    data = PHOTO.read_bytes()
    monkeypatch.setattr(kept_images, "MOST_KEPT_BYTES", 1)  # room for none but the last
    reimage._smaller_jpeg(data, (300, 200))
    reimage._smaller_jpeg(data, (150, 100))
    [last] = kept_files(tmp_path / "cache")
    forget_in_process()
    reimage._smaller_jpeg(data, (150, 100))
    assert conversions == ["reduced", "reduced"]  # the last one was kept
    assert kept_files(tmp_path / "cache") == [last]
