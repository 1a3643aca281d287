"""The README's Layout section and the import contract describe the code as it is."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _layout() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text[text.index("## Layout\n") : text.index("\n## ", text.index("## Layout\n") + 1)]


def _contract_layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return [[name.strip().removeprefix("innobridge.") for name in layer.split("|")] for layer in contract["layers"]]


def _apps() -> set[str]:
    return {p.parent.name for p in (ROOT / "innobridge").glob("*/apps.py")} | {"lib"}


def test_every_app_is_in_the_layer_contract_once():
    named = [app for layer in _contract_layers() for app in layer]
    assert sorted(named) == sorted(_apps())


def test_the_readme_lists_every_app_and_package_and_nothing_that_is_gone():
    layout = _layout()
    listed = set(re.findall(r"^      (\w+)/ ", layout, flags=re.M))
    innobridge = {p.parent.name for p in (ROOT / "innobridge").glob("*/__init__.py")}  # apps and formats
    packages = innobridge | {p.parent.name for p in (ROOT / "innocore").glob("*/__init__.py")} - {"tests"}
    assert listed == packages


def test_the_readme_states_the_contracts_order():
    line = next(line for line in _layout().splitlines() if "→" in line)
    stated = [[app.strip() for app in layer.split("|")] for layer in line.split("→")]
    assert stated == _contract_layers()


def test_no_two_modules_import_each_other_even_through_others():
    """No file circle: modules that need each other both ways are one module, or share a lower one."""
    import grimp

    graph = grimp.build_graph("innobridge", "innocore", include_external_packages=False, cache_dir=None)
    modules = {m for m in graph.modules if ".tests" not in m and ".migrations" not in m}
    circles = []
    for module in sorted(modules):
        for imported in graph.find_modules_directly_imported_by(module) & modules:
            if imported != module and graph.chain_exists(importer=imported, imported=module):
                circles.append((module, imported))
    assert circles == []


def test_templates_follow_the_layer_order_too():
    """An app's templates include, extend and link only templates and pages of apps at or below it;
    what a higher app adds to a lower page comes through a slot (``lib.pages.provides_fragment``)."""
    rank = {app: i for i, layer in enumerate(reversed(_contract_layers())) for app in layer}
    templates = ROOT / "innobridge" / "templates"
    libraries_of = {p.stem: p.parent.parent.name for p in (ROOT / "innobridge").glob("*/templatetags/*.py")}
    upward = []
    for path in sorted(templates.rglob("*.html")):
        app = path.relative_to(templates).parts[0]
        if app not in rank:
            continue  # shared templates (base.html, includes_*.html) belong to no app
        text = path.read_text(encoding="utf-8")
        named = re.findall(r"{%\s*(?:include|extends)\s+[\"'](\w+)/", text)
        named += re.findall(r"{%\s*url\s+[\"'](\w+):", text)
        for libraries in re.findall(r"{%\s*load\s+([\w ]+?)\s*%}", text):
            named += [libraries_of[name] for name in libraries.split() if name in libraries_of]
        upward += [f"{path.relative_to(templates)} → {other}" for other in named if rank.get(other, -1) > rank[app]]
    assert upward == []


def test_models_name_no_model_of_a_higher_app():
    """A relation written as a string ("matching.TechnologyOffer") is a dependency the import linter
    cannot see: models may name only models of their own app or of apps below."""
    rank = {app: i for i, layer in enumerate(reversed(_contract_layers())) for app in layer}
    upward = []
    for path in sorted((ROOT / "innobridge").glob("*/models.py")):
        app = path.parent.name
        for other, model in re.findall(r"[\"'](\w+)\.([A-Z]\w+)[\"']", path.read_text(encoding="utf-8")):
            if rank.get(other, -1) > rank.get(app, -1):
                upward.append(f"{app} → {other}.{model}")
    assert upward == []


def test_every_name_the_benchmarks_import_from_the_project_exists():
    """Benchmarks import project modules inside functions (after django.setup()); a moved name would
    only show when `make bench` reaches it, so check them all here."""
    import ast
    import importlib

    missing = []
    for path in sorted((ROOT / "benchmarks").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("innobridge", "innocore")):
                module = importlib.import_module(node.module)
                for alias in node.names:
                    if not hasattr(module, alias.name):
                        try:
                            importlib.import_module(f"{node.module}.{alias.name}")
                        except ImportError:
                            missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.module}.{alias.name}")
    assert missing == []
