"""Home pages per role, assembled from panels that the apps register.

An app adds its part of a role's home page by registering a panel in its AppConfig.ready():

    @home_panel("liaison", order=20)
    def my_tasks(request, scope):
        return {"template": "campaigns/_partials/home_liaison_tasks.html", "tasks": ...}

A panel returns None when it has nothing to show.
"""

from __future__ import annotations

from collections.abc import Callable

PanelFn = Callable[..., dict | None]
_PANELS: dict[str, list[tuple[int, PanelFn]]] = {
    "office": [],
    "liaison": [],
    "leader": [],
    "reviewer": [],
}


def home_panel(role: str, order: int = 100):
    def register(fn: PanelFn) -> PanelFn:
        entries = _PANELS[role]
        if all(existing is not fn for _, existing in entries):
            entries.append((order, fn))
            entries.sort(key=lambda pair: pair[0])
        return fn

    return register


def panels_for(role: str, request, scope) -> list[dict]:
    panels = []
    for _order, fn in _PANELS[role]:
        panel = fn(request, scope)
        if panel:
            panels.append(panel)
    return panels
