"""No import cycle anywhere: no module of bygdebas or transit imports itself round a loop.

A cycle makes the order modules load in matter, hides which module owns what, and is how the
boundaries between apps start to leak. This builds the import graph of every module (with grimp,
which import-linter uses) and fails on each cycle with its path, the file and line of each import.
Imports for annotations only (under ``if TYPE_CHECKING:``) never run and do not count.

To break a cycle, move what both modules need to a third one, or the code that runs to the
module that calls it (see docs/architecture.md, "Between apps"): a task module imports the
module that does the work (connectivity.runner), not the services that queue the task.
"""

from __future__ import annotations

import itertools

import grimp
from django.test import SimpleTestCase

PACKAGES = ("bygdebas", "transit")


def _strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """The groups of modules that import each other, directly or round a loop (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(root: str) -> None:
        # Iterative, so that a long chain of imports cannot hit the recursion limit.
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, imported = work[-1]
            for other in imported:
                if other not in index:
                    index[other] = low[other] = len(index)
                    stack.append(other)
                    on_stack.add(other)
                    work.append(
                        (other, iter(sorted(graph.find_modules_directly_imported_by(other))))
                    )
                    break
                if other in on_stack:
                    low[module] = min(low[module], index[other])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[module])
                if low[module] == index[module]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == module:
                            break
                    if len(group) > 1 or module in graph.find_modules_directly_imported_by(module):
                        groups.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return sorted(groups)


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """One cycle through each group of modules that import each other, as a path of modules
    that ends where it starts."""
    cycles = []
    for group in _strongly_connected(graph):
        start = group[0]
        members = set(group)
        first = min(m for m in graph.find_modules_directly_imported_by(start) if m in members)
        back = graph.find_shortest_chain(importer=first, imported=start) or (first, start)
        cycles.append([start, *back])
    return cycles


def describe(graph: grimp.ImportGraph, cycle: list[str]) -> str:
    """``a -> b -> a`` with where each import is written."""
    steps = []
    for importer, imported in itertools.pairwise(cycle):
        details = graph.get_import_details(importer=importer, imported=imported)
        where = ", ".join(f"line {d['line_number']}: {d['line_contents']}" for d in details[:2])
        steps.append(f"    {importer} -> {imported}  ({where or 'imported'})")
    return " -> ".join(cycle) + "\n" + "\n".join(steps)


class ImportCycleTests(SimpleTestCase):
    def test_no_module_imports_itself_round_a_loop(self) -> None:
        graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True, cache_dir=None)
        self.assertGreater(len(graph.modules), 200)
        cycles = import_cycles(graph)
        if cycles:
            self.fail(
                "Import cycles (each module imports the next, the last the first):\n"
                + "\n".join(describe(graph, cycle) for cycle in cycles)
                + "\nMove what both need to a third module; see this test's docstring."
            )

    def test_it_finds_each_cycle_and_names_its_path(self) -> None:
        graph = grimp.ImportGraph()
        for importer, imported in [
            ("app.tasks", "app.services"),
            ("app.services", "app.models"),
            ("app.models", "app.tasks"),  # a loop of three
            ("app.views", "app.services"),  # into the loop, not part of it
            ("lib.a", "lib.b"),
            ("lib.b", "lib.a"),  # a pair
            ("lib.c", "lib.a"),
        ]:
            graph.add_import(
                importer=importer, imported=imported, line_number=3, line_contents="import x"
            )
        self.assertEqual(
            import_cycles(graph),
            [
                ["app.models", "app.tasks", "app.services", "app.models"],
                ["lib.a", "lib.b", "lib.a"],
            ],
        )
        self.assertEqual(
            describe(graph, ["lib.a", "lib.b", "lib.a"]),
            "lib.a -> lib.b -> lib.a\n"
            "    lib.a -> lib.b  (line 3: import x)\n"
            "    lib.b -> lib.a  (line 3: import x)",
        )

    def test_an_acyclic_graph_has_none(self) -> None:
        graph = grimp.ImportGraph()
        graph.add_import(importer="a", imported="b")
        graph.add_import(importer="b", imported="c")
        graph.add_import(importer="a", imported="c")
        self.assertEqual(import_cycles(graph), [])
