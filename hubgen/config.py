"""Derive each variant's plain mkdocs.yml from the editors' top-level one."""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hubgen.errors import HubError, Problem
from hubgen.models import TYPES
from hubgen.project import Project, Variant
from hubgen.validate import Hub

OWNED = ("docs_dir", "site_dir", "nav", "not_in_nav", "exclude_docs", "draft_docs")
PLUGINS_ALLOWED = frozenset({"search"})
HUB_CSS = "assets/hubgen.css"
SEARCH_CSS = "assets/search.css"
HUB_JS = "assets/hubgen.js"
SEARCH_JS = "assets/search.js"  # the hub's search (hubgen/search.py writes its index)


@dataclass(frozen=True)
class Tagged:
    """A value behind a YAML tag MkDocs understands (`!ENV`, `!!python/name:`), kept as written."""

    tag: str
    value: Any


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _construct_tagged(loader: yaml.SafeLoader, tag: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.ScalarNode):
        return Tagged(tag, loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return Tagged(tag, loader.construct_sequence(node, deep=True))
    return Tagged(tag, loader.construct_mapping(node, deep=True))


def _represent_tagged(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, data.value)


_Loader.add_multi_constructor("!", lambda loader, suffix, node: _construct_tagged(loader, "!" + suffix, node))
_Loader.add_multi_constructor("tag:yaml.org,2002:python/",
                              lambda loader, suffix, node: _construct_tagged(
                                  loader, "tag:yaml.org,2002:python/" + suffix, node))
_Dumper.add_representer(Tagged, _represent_tagged)


def load_base(project: Project) -> dict[str, Any]:
    """The editors' mkdocs.yml, with precise errors for what hubgen cannot build from."""
    shown = project.shown(project.config)
    if not project.config.is_file():
        return {"theme": {"name": "material"}}
    try:
        base = yaml.load(project.config.read_text(encoding="utf-8"), Loader=_Loader) or {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise HubError([Problem(shown, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1,
                                f"YAML syntax error: {exc.problem}")]) from None
    if not isinstance(base, dict):
        raise HubError([Problem(shown, 1, 1, "must be a mapping of MkDocs settings")])
    problems = [Problem(shown, 0, 0, f"`{key}` is set by hubgen for each variant; remove it", key)
                for key in OWNED if key in base]
    for plugin in base.get("plugins") or []:
        name = _plugin_name(plugin)
        if name not in PLUGINS_ALLOWED:
            problems.append(Problem(shown, 0, 0, f"plugin `{name}` is not supported: hubgen generates "
                                    "every page before the engine runs so that the project stays plain "
                                    "(MkDocs, ProperDocs, Zensical); remove it", "plugins"))
    theme = base.get("theme", {})
    if (theme.get("name") if isinstance(theme, dict) else theme) != "material":
        problems.append(Problem(shown, 0, 0, "hubgen's templates are made for `name: material`",
                                "theme"))
    if problems:
        raise HubError(problems)
    return base


def variant_config(base: dict[str, Any], hub: Hub, variant: Variant) -> dict[str, Any]:
    """The generated project's configuration: the base plus what hubgen owns."""
    config = copy.deepcopy(base)
    config.setdefault("site_name", hub.settings.title)
    config.setdefault("site_description", hub.settings.description)
    site_url = site_url_for(hub, variant)
    if site_url:
        config["site_url"] = site_url
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    config["nav"] = [{"Home": "index.md"}, {"All records": "records/index.md"}, {"Themes": "themes/index.md"},
                     *[{label: f"{t}/index.md"} for t, label in
                       zip(TYPES, ("Tools", "Webinars", "Clauses", "Events", "Takeaways"), strict=True)]]
    # Record and theme pages are reached from listings, not the nav: at 1,000 records a full
    # nav makes every page about 300 KB. This only silences MkDocs' note about them.
    config["not_in_nav"] = "\n".join([*(f"/{t}/*.md" for t in (*TYPES, "themes")), "/accessibility.md",
                                      "/search.md"])
    config["validation"] = {"nav": {"omitted_files": "info", "not_found": "warn"},
                            "links": {"not_found": "warn", "anchors": "warn",
                                      "unrecognized_links": "warn", "absolute_links": "info"}}
    theme = config.setdefault("theme", {"name": "material"})
    if isinstance(theme, str):
        theme = config["theme"] = {"name": theme}
    theme["custom_dir"] = "overrides"
    theme.setdefault("font", False)  # no request to Google Fonts: the system font stack
    config["extra_css"] = [*(config.get("extra_css") or []), HUB_CSS, SEARCH_CSS]
    config["extra_javascript"] = [*(config.get("extra_javascript") or []), HUB_JS, SEARCH_JS]
    extra = config.setdefault("extra", {})
    extra["hubgen"] = {"variant": variant}
    if variant == "affiliates" and hub.settings.edit_url:
        # Edit links only where editors read: a public page never points at the content's YAML.
        extra["hubgen"]["edit_url"] = hub.settings.edit_url
    # The hub owns its search (hubgen/search.py indexes the built pages after the engine):
    # the engine's own search would build a second, larger index nobody loads. An empty list,
    # since MkDocs runs its search plugin when `plugins` is not set.
    config["plugins"] = [p for p in config.get("plugins") or [] if _plugin_name(p) != "search"]
    return config


def _plugin_name(plugin: Any) -> str:
    return next(iter(plugin)) if isinstance(plugin, dict) else str(plugin)


def site_url_for(hub: Hub, variant: Variant) -> str | None:
    """The variant's published address: HUBGEN_SITE_URL (set by a deploy), else hub.yml's."""
    return os.environ.get("HUBGEN_SITE_URL") or getattr(hub.settings, f"{variant}_url")


def dump_config(config: dict[str, Any]) -> str:
    header = "# Generated by hubgen from the top-level mkdocs.yml; do not edit.\n"
    return header + yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                              default_flow_style=False, width=100)


def parse_generated(path: Path) -> dict[str, Any]:
    """Read a generated mkdocs.yml back (tests and tools)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
