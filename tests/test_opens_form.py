"""`actions.OPENS_FORM` lists exactly the buttons whose click opens a form.

Teams needs to know it when it renders a button (a dialog opens only from an `Action.Submit`
asking for `task/fetch`), long before any click; the Slack handlers know it by what they do. This
reads the Slack handlers' source: every listener registered for a click whose body opens a form
(`open_form`, `views_open`, or the checklist's `opening(...)`) must be in the set, and nothing
else may be.
"""

from __future__ import annotations

import ast
from pathlib import Path

from bot.core import actions

HANDLERS = Path(__file__).resolve().parents[1] / "platforms" / "slack" / "handlers"
_OPENERS = {"open_form", "views_open"}


def _calls(node: ast.AST) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


def _action_id(node: ast.expr) -> str | None:
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "actions"
    ):
        return str(getattr(actions, node.attr))
    return None


def _clicks_that_open_forms() -> tuple[set[str], set[str]]:
    opening, seen = set(), set()
    for path in sorted(HANDLERS.glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        opens = {
            f.name
            for f in ast.walk(tree)
            if isinstance(f, ast.FunctionDef) and _calls(f) & _OPENERS
        }
        pairs: list[tuple[str, ast.expr]] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Tuple) and len(node.elts) == 2:
                action_id = _action_id(node.elts[0])
                if action_id is not None:
                    pairs.append((action_id, node.elts[1]))
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "on_click":
                action_id = _action_id(node.args[1])
                if action_id is not None:
                    pairs.append((action_id, node.args[2]))
        for action_id, work in pairs:
            if isinstance(work, ast.Name):
                seen.add(action_id)
                if work.id in opens:
                    opening.add(action_id)
            elif isinstance(work, ast.Call) and getattr(work.func, "id", "") == "opening":
                seen.add(action_id)
                opening.add(action_id)
    return opening, seen


def test_opens_form_is_every_click_that_opens_a_form() -> None:
    opening, seen = _clicks_that_open_forms()
    assert len(seen) > 30  # the scan really found the click listeners
    assert opening == set(actions.OPENS_FORM)
