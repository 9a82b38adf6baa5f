"""What the content refers to, checked: facts named in the edition and in
{placeholders}, files (images, links), the template, the palette, the print
profile and extra stylesheets. Part of the validate stage."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from brochure import defaults
from brochure.content import images, markup
from brochure.content.model import MARKDOWN_FIELDS, PLACEHOLDER, Edition, Fact, Text
from brochure.content.sources import Source, field_name, text_fields
from brochure.problems import Location, Problems, did_you_mean


def check_edition_refs(edition: Edition, source: Source, master: Text, master_source: Source,
                        facts: dict[str, Fact], problems: Problems) -> None:
    if edition.cover_image and not master.cover_image_alt:
        _needs_alt("cover_image_alt", source.where(("cover_image",)), master_source, problems)
    for index, section in enumerate(edition.sections):
        where = ("sections", index)
        if section.id not in master.sections:
            problems.error(
                f"there is no text for section '{section.id}'", source.where((*where, "id")),
                hint=f"Add it under 'sections:' in {master_source.name}, or check the id.")
        elif section.image and not master.sections[section.id].image_alt:
            _needs_alt(f"sections.{section.id}.image_alt", source.where((*where, "image")),
                       master_source, problems)
        for position, fact_id in enumerate(section.facts):
            _check_fact_ref(fact_id, source.where((*where, "facts", position)), facts,
                            master, master_source, problems)
    for position, fact_id in enumerate(edition.highlights):
        _check_fact_ref(fact_id, source.where(("highlights", position)), facts, master,
                        master_source, problems)


def _needs_alt(field: str, where: Location, master_source: Source,
               problems: Problems) -> None:
    """A picture needs words for those who cannot see it (PDF/UA)."""
    problems.error(
        f"this picture has no alternative text: give {field} in {master_source.name}",
        where, field=field,
        hint="Say in a sentence what the picture shows, or leave the picture out.")


def _check_fact_ref(fact_id: str, where: Location, facts: dict[str, Fact], master: Text,
                    master_source: Source, problems: Problems) -> None:
    if fact_id not in facts:
        problems.error(f"there is no fact '{fact_id}' in {defaults.FACTS_FILE}",
                       where, hint=did_you_mean(fact_id, list(facts)))
    elif fact_id not in master.facts:
        problems.error(f"fact '{fact_id}' has no label in {master_source.name}",
                       where, hint="Add it under 'facts:' in the text file.")


def check_placeholders(texts: dict[str, Source], facts: dict[str, Fact],
                        problems: Problems) -> None:
    for source in texts.values():
        for path, text in text_fields(source.data):
            for fact_id in PLACEHOLDER.findall(text):
                if fact_id not in facts:
                    problems.error(
                        f"{{{fact_id}}} does not name a fact in {defaults.FACTS_FILE}",
                        source.where(path), field=field_name(path),
                        hint=did_you_mean(fact_id, list(facts)))


def check_files(folder: Path, edition: Edition, edition_source: Source,
                 texts: dict[str, Source], problems: Problems) -> None:
    if edition.cover_image:
        _check_image(folder, edition.cover_image, edition_source.where(("cover_image",)),
                     "cover_image", problems)
    if edition.logo:
        _check_image(folder, edition.logo, edition_source.where(("logo",)), "logo", problems)
    for index, section in enumerate(edition.sections):
        if section.image:
            _check_image(folder, section.image,
                         edition_source.where(("sections", index, "image")),
                         f"sections[{index + 1}].image", problems)
    for source in texts.values():
        for path, text in text_fields(source.data):
            if not path or path[-1] not in MARKDOWN_FIELDS:
                continue
            for kind, address in markup.references(text):
                where, field = source.where(path), field_name(path)
                if kind == "image":
                    _check_image(folder, address, where, field, problems)
                elif not markup.is_allowed_link(address):
                    problems.error(
                        f"the link '{address}' is not allowed", where, field=field,
                        hint="Links may go to http(s):// pages, mailto: or tel: only.")
                elif markup.is_relative(address):
                    _check_relative_link(folder, address, edition, where, field, problems)


def _check_relative_link(folder: Path, address: str, edition: Edition, where: Location,
                         field: str, problems: Problems) -> None:
    """A relative link is a page of the brochure's website: there must be one, and
    the link must not name a file of the build machine."""
    website = edition.metadata.website
    path = urlsplit(address).path
    if ".." in Path(path).parts or (path and (folder / path).exists()):
        problems.error(
            f"the link '{address}' names a file, which a reader of the PDF cannot open",
            where, field=field,
            hint="Link the file's web address (https://…); to show a picture, "
                 "use ![text](images/…).")
    elif not website:
        problems.error(
            f"the relative link '{address}' needs the brochure's web address", where,
            field=field, hint="Write the full address (https://…), or set "
                              "metadata.website in the edition file.")


def resolve_inside(folder: Path, reference: str) -> tuple[Path | None, str | None]:
    """The file a reference names, if it is a file inside ``folder``; else why not."""
    if "\0" in reference:
        return None, f"{reference!r} holds a NUL character (U+0000), which no file name can"
    if urlsplit(reference).scheme or reference.startswith(("//", "\\\\")):
        return None, (f"'{reference}' is an address outside the brochure; "
                      "only files inside the content folder can be used")
    if Path(reference).is_absolute():
        return None, (f"'{reference}' is an absolute path; "
                      "give a path relative to the content folder, like images/x.svg")
    root = folder.resolve()
    path = (folder / reference).resolve()
    if not path.is_relative_to(root):
        return None, f"'{reference}' points outside the content folder"
    return path, None


def _check_image(folder: Path, reference: str, where: Location, field: str,
                 problems: Problems) -> None:
    path, refusal = resolve_inside(folder, reference)
    if path is None:
        problems.error(refusal or "refused", where, field=field,
                       hint="Copy the file into the images/ folder and refer to it there.")
    elif not path.is_file():
        problems.error(f"the image '{reference}' does not exist", where, field=field,
                       hint="Check the file name, or put the image in the images/ folder.")
    elif path.suffix.lower() not in defaults.IMAGE_SUFFIXES:
        problems.error(f"'{reference}' is not an image this tool can place", where,
                       field=field, hint="Use SVG, PNG, JPEG, WebP or GIF.")
    elif (unusable := images.check_image(path, folder)) is not None:
        problems.error(f"the image '{reference}' cannot be used: {unusable.reason}", where,
                       field=field, hint=unusable.hint)


def check_template(edition: Edition, source: Source, template_dirs: list[Path],
                    problems: Problems) -> None:
    name = edition.template
    if "/" in name or "\\" in name or name.startswith("."):
        problems.error(f"'{name}' should be a file name only", source.where(("template",)),
                       field="template", hint="Put the template in the templates/ folder.")
    elif not any((d / name).is_file() for d in template_dirs):
        problems.error(f"the template '{name}' does not exist", source.where(("template",)),
                       field="template",
                       hint=f"Use {edition.model_fields['template'].default}, or put "
                            f"{name} in the brochure's templates/ folder.")


def print_profile_path(folder: Path, edition: Edition, source: Source,
                   problems: Problems) -> Path:
    """The print shop's CMYK profile named in the edition, else the default."""
    reference = edition.print.profile
    if reference is None:
        return defaults.DEFAULT_CMYK_PROFILE
    where = source.where(("print", "profile"))
    path, refusal = resolve_inside(folder, reference)
    if path is None or not path.is_file():
        problems.error(refusal or f"the profile '{reference}' does not exist", where,
                       field="print.profile",
                       hint="Put your print shop's .icc file in the brochure folder.")
        return defaults.DEFAULT_CMYK_PROFILE
    if not images.is_cmyk_profile(path):
        problems.error(f"'{reference}' is not a CMYK ICC profile", where,
                       field="print.profile",
                       hint="Ask the print shop for its CMYK output profile (.icc).")
    return path


def extra_stylesheets(folder: Path, edition: Edition, source: Source, problems: Problems,
                 ) -> list[Path]:
    sheets = sorted(defaults.project_styles().glob("*.css"))
    for index, reference in enumerate(edition.stylesheets):
        where = source.where(("stylesheets", index))
        path, refusal = resolve_inside(folder, reference)
        if path is None:
            problems.error(refusal or "refused", where, field="stylesheets")
        elif not path.is_file():
            problems.error(f"the stylesheet '{reference}' does not exist", where,
                           field="stylesheets", hint="Check the file name.")
        else:
            sheets.append(path)
    return sheets
