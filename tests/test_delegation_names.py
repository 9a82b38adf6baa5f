"""A name in a script the reader's fonts lack: a member of an Arabic and Korean
delegation whose name is written once, in Arabic, would be printed in the
Korean edition too, where no font has Arabic letters. It is refused before
anything is rendered, in one line at the name itself (not at the delegation's
Arabic name, which the Korean edition does not print)."""

from __future__ import annotations

from pathlib import Path

from brochure.delegations.batch import plan_delegations
from brochure.problems import Problems
from tests.conftest import line_of, run

CASABLANCA = """\
name:
  ar: وفد مدينة الدار البيضاء
  ko: 카사블랑카시 대표단
languages: [ar, ko]
arrives: 2026-10-20
departs: 2026-10-20

programme:
  - date: 2026-10-20
    start: 10:00
    end: 11:00
    activity:
      ar: زيارة مجاملة للعمدة
      ko: 시장 예방
    place:
      ar: مبنى بلدية غوانغجو
      ko: 광주광역시청

members:
  - name: فلان الفلاني
    title:
      ar: رئيس قسم العلاقات الدولية
      ko: 국제관계부장

host:
  name:
    ar: هونغ غيل دونغ
    ko: 홍길동
  title:
    ar: موظف العلاقات الدولية
    ko: 국제협력관실 주무관
"""


def test_a_name_in_a_script_the_readers_fonts_lack_is_one_line_at_the_name(content: Path):
    path = content / "delegations" / "casablanca.yaml"
    path.write_text(CASABLANCA, encoding="utf-8")
    out = content.parent / "out"
    result = run("delegations", str(content), "--only", "casablanca", "--edition", "screen",
                 "--out", str(out))
    assert result.exit_code == 1
    problem, written = result.output.strip().splitlines()
    line = line_of(path, "  - name: فلان الفلاني")
    assert problem.startswith(f"content/delegations/casablanca.yaml:{line}:11: "
                              "members[1].name: 'ا' (U+0627 ARABIC LETTER ALEF), ")
    for letter in "فلني":
        assert f"'{letter}'" in problem
    assert "have no glyphs in the fonts for ko (Noto Serif CJK KR" in problem
    assert "give it per language instead" in problem
    assert written == "Nothing was written: 1 error(s)."
    assert not out.exists()


def test_the_same_name_given_per_language_passes_the_glyph_check(content: Path):
    path = content / "delegations" / "casablanca.yaml"
    path.write_text(CASABLANCA.replace(
        "  - name: فلان الفلاني\n",
        "  - name:\n      ar: فلان الفلاني\n      ko: 풀란 알풀라니\n"), encoding="utf-8")
    problems = Problems()
    # Everything before rendering: the delegation's HTML in each language, its glyphs checked.
    [plan] = plan_delegations(content, ["casablanca"], ["screen"], content.parent / "out",
                              True, problems)
    assert not problems.errors
    assert [e.language for e in plan.editions] == ["ar", "ko", "ar+ko"]
    korean = plan.editions[1].html.replace("\u2060", "")  # the joiners that keep words whole
    assert "풀란" in korean and "알풀라니" in korean
    assert "فلان الفلاني" not in korean
