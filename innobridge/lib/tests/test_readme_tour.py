"""The README's tour shows pictures that exist and that the browser flows produce.

The pictures in docs/tour/ are written by the browser flows (``make tour``): a step marked
``flow.step(..., tour="name")`` writes docs/tour/<name>.png. These checks keep the README, the
pictures and the flows in step, without running a browser.
"""

import ast
import re
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TOUR = ROOT / "docs" / "tour"
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
MAX_BYTES = 250_000


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def _tour_steps() -> dict[str, str]:
    """Tour picture name -> the browser test file whose flow writes it."""
    steps: dict[str, str] = {}
    for path in sorted((ROOT / "tests" / "browser").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "step":
                for keyword in node.keywords:
                    if keyword.arg == "tour":
                        assert isinstance(keyword.value, ast.Constant), f"{path.name}: tour= must be a literal"
                        assert keyword.value.value not in steps, f"tour picture {keyword.value.value} named twice"
                        steps[keyword.value.value] = path.name
    return steps


def _pictures() -> set[str]:
    return {p.stem for p in TOUR.glob("*.png")}


def test_every_image_the_readme_links_exists():
    links = IMAGE.findall(_readme())
    assert links, "the README shows no picture"
    missing = [link for link in links if not (ROOT / link).is_file()]
    assert missing == []
    assert all(not link.startswith(("/", "http")) for link in links), links  # relative, so they show on any host


def test_every_tour_picture_is_a_step_of_a_browser_flow_and_the_other_way_round():
    steps = _tour_steps()
    assert 4 <= len(steps) <= 8, sorted(steps)
    assert _pictures() - set(steps) == set(), "pictures no flow writes: delete them or run `make tour`"
    assert set(steps) - _pictures() == set(), "tour steps without their picture: run `make tour`"


def test_the_readme_shows_every_tour_picture_in_its_tour_section():
    text = _readme()
    tour = text[text.index("## Tour\n") : text.index("\n## ", text.index("## Tour\n") + 1)]
    assert text.index("## Tour\n") < text.index("## Configuration\n")  # the tour comes before the reference
    shown = {Path(link).stem for link in IMAGE.findall(tour) if link.startswith("docs/tour/")}
    assert shown == _pictures()


def test_tour_pictures_are_one_1280_by_800_screen_and_small():
    for path in sorted(TOUR.glob("*.png")):
        head = path.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n", path.name
        assert struct.unpack(">II", head[16:24]) == (1280, 800), path.name
        assert path.stat().st_size < MAX_BYTES, (path.name, path.stat().st_size)
