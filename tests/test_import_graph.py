"""The repository has no import circle: among the tap, the sandbox, the scripts and the tests, no
module imports itself back through others. Imports under `if TYPE_CHECKING:` and inside functions
count too: each is a dependency that a reader has to follow. And imports go one way: scripts/
(the demo, the benchmark) use the tests' toolkit and harness, the tests run scripts/ as commands
and import nothing from it, and the tap and the sandbox import neither."""

from __future__ import annotations

import grimp
import pytest

PACKAGES = ("tap_fortnox", "fortnox_sandbox", "scripts", "tests")


def circles(graph: grimp.ImportGraph) -> set[tuple[str, ...]]:
    """Each import circle once, as its modules in import order starting from the least."""
    found = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                loop = back[:-1]  # imported -> ... -> (module)
                loop = (module, *loop)
                start = loop.index(min(loop))
                found.add(loop[start:] + loop[:start])
    return found


def test_circles_finds_a_loop_and_only_the_loop():
    graph = grimp.ImportGraph()
    for importer, imported in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("e", "d")]:
        graph.add_import(importer=importer, imported=imported)
    assert circles(graph) == {("a", "b", "c")}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def test_the_repository_has_no_import_circle(graph):
    assert circles(graph) == set()


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("tests", "scripts"),
        ("tap_fortnox", "tests"),
        ("tap_fortnox", "scripts"),
        ("fortnox_sandbox", "tests"),
        ("fortnox_sandbox", "scripts"),
        ("fortnox_sandbox", "tap_fortnox"),
    ],
)
def test_imports_go_one_way(graph, importer, imported):
    chain = graph.find_shortest_chains(importer=importer, imported=imported, as_packages=True)
    assert chain == set(), f"{importer} imports {imported}: {sorted(chain)[:3]}"
