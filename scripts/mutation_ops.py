"""The mutants of ``scripts/mutate.py``: one small change to one module of ``reference/`` each.

Operators swapped, constants changed, a unary minus or a term dropped, call arguments swapped, booleans
flipped; docstrings, ``raise`` statements, imports and annotations are left alone.
"""

from __future__ import annotations

import ast
import copy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SWAP_BIN = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Pow: ast.Mult,
            ast.FloorDiv: ast.Div}


SWAP_CMP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
            ast.NotEq: ast.Eq}


def _skip_nodes(tree: ast.AST) -> set[int]:
    """ids of nodes never mutated: docstrings, annotations, raise statements, imports."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Module, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
                skip.update(id(n) for n in ast.walk(body[0]))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for a in [*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs]:
                if a.annotation is not None:
                    skip.update(id(n) for n in ast.walk(a.annotation))
            if node.returns is not None:
                skip.update(id(n) for n in ast.walk(node.returns))
        if isinstance(node, ast.AnnAssign):
            skip.update(id(n) for n in ast.walk(node.annotation))
        if isinstance(node, (ast.Raise, ast.Import, ast.ImportFrom, ast.JoinedStr)):
            skip.update(id(n) for n in ast.walk(node))
    return skip


def _mutations(node: ast.AST) -> list[tuple[str, ast.AST]]:
    """(description, replacement node) for one node."""
    out: list[tuple[str, ast.AST]] = []
    if isinstance(node, ast.BinOp):
        new = SWAP_BIN.get(type(node.op))
        if new is not None:
            m = copy.deepcopy(node)
            m.op = new()
            out.append((f"{type(node.op).__name__} -> {new.__name__}", m))
        if isinstance(node.op, (ast.Add, ast.Sub)):
            out.append(("drop right operand", copy.deepcopy(node.left)))
            if isinstance(node.op, ast.Add):
                out.append(("drop left operand", copy.deepcopy(node.right)))
    elif isinstance(node, ast.Compare) and len(node.ops) == 1:
        new = SWAP_CMP.get(type(node.ops[0]))
        if new is not None:
            m = copy.deepcopy(node)
            m.ops = [new()]
            out.append((f"{type(node.ops[0]).__name__} -> {new.__name__}", m))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        out.append(("drop unary minus", copy.deepcopy(node.operand)))
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        v = node.value
        nv = {0: 1, 1: 2, 2: 1, 0.5: 1.0}.get(v, v + 1) if not isinstance(v, bool) else None
        if nv is not None:
            out.append((f"constant {v!r} -> {nv!r}", ast.Constant(type(v)(nv) if isinstance(v, float) else nv)))
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        out.append((f"{node.value} -> {not node.value}", ast.Constant(not node.value)))
    elif isinstance(node, ast.Call) and len(node.args) >= 2 and not (
            isinstance(node.func, ast.Name) and node.func.id in ("isinstance", "issubclass", "getattr")) and not any(isinstance(a, ast.Starred) for a in node.args[:2]):
        m = copy.deepcopy(node)
        m.args[0], m.args[1] = m.args[1], m.args[0]
        out.append(("swap first two arguments", m))
    return out


class _Replace(ast.NodeTransformer):
    def __init__(self, target: ast.AST, repl: ast.AST) -> None:
        self.target, self.repl = target, repl

    def visit(self, node: ast.AST) -> ast.AST:
        if node is self.target:
            return self.repl
        return super().visit(node)


def mutants(path: Path) -> list[dict]:
    src = path.read_text()
    tree = ast.parse(src)
    skip = _skip_nodes(tree)
    out = []
    nodes = [n for n in ast.walk(tree) if id(n) not in skip]
    for node in nodes:
        for desc, repl in _mutations(node):
            t2 = ast.parse(src)
            # locate the same node in the fresh tree by position and type
            twin = next((n for n in ast.walk(t2) if type(n) is type(node)
                         and getattr(n, "lineno", None) == getattr(node, "lineno", None)
                         and getattr(n, "col_offset", None) == getattr(node, "col_offset", None)
                         and getattr(n, "end_col_offset", None) == getattr(node, "end_col_offset", None)), None)
            if twin is None:
                continue
            new_tree = _Replace(twin, repl).visit(t2)
            ast.fix_missing_locations(new_tree)
            code = ast.unparse(new_tree)
            line = src.splitlines()[node.lineno - 1].strip()
            out.append({"file": str(path.relative_to(ROOT)), "line": node.lineno, "col": node.col_offset,
                        "mutation": desc, "source_line": line,
                        "segment": ast.get_source_segment(src, node), "code": code})
    return out
