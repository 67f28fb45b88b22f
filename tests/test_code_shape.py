"""The shape the packages keep (issue 13): short functions. The layers are import-linter's (.importlinter)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("skillslab_xblock", "etwinning_plugin", "reference_receiver")
LONGEST = 60  # lines, decorators and docstring included


def test_no_function_is_longer_than_sixty_lines():
    long = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                    if node.end_lineno - first + 1 > LONGEST:
                        long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert not long, long
