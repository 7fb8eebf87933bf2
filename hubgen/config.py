"""Derive each variant's plain mkdocs.yml from the editors' top-level one."""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hubgen.errors import HubError, Problem
from hubgen.load import MAX_DEPTH
from hubgen.models import TYPES
from hubgen.project import Project, Variant
from hubgen.render import engine_text
from hubgen.safety import html_problems, url_scheme
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


# Markdown extensions that neither read files nor run code named in mkdocs.yml: the others
# (`pymdownx.snippets` includes any file, affiliate content included; `pymdownx.b64` embeds
# files) could put what the public site must not hold into its pages.
EXTENSIONS_ALLOWED = frozenset({
    *(f"{prefix}{name}" for prefix in ("", "markdown.extensions.") for name in (
        "abbr", "admonition", "attr_list", "codehilite", "def_list", "extra", "fenced_code",
        "footnotes", "legacy_attrs", "legacy_em", "md_in_html", "meta", "nl2br", "sane_lists",
        "smarty", "tables", "toc", "wikilinks")),
    *(f"pymdownx.{name}" for name in (
        "arithmatex", "betterem", "blocks.admonition", "blocks.caption", "blocks.definition",
        "blocks.details", "blocks.tab", "caret", "critic", "details", "emoji", "escapeall",
        "fancylists", "highlight", "inlinehilite", "keys", "magiclink", "mark", "progressbar",
        "saneheaders", "smartsymbols", "superfences", "tabbed", "tasklist", "tilde")),
})
# `!!python/name:` values Material's documentation gives for these extensions (emoji, fences)
PYTHON_NAMES_ALLOWED = ("material.extensions.emoji.", "pymdownx.emoji.", "pymdownx.superfences.fence_")
_PYTHON_TAG = "tag:yaml.org,2002:python/"


def load_base(project: Project) -> dict[str, Any]:
    """The editors' mkdocs.yml, with precise errors for what hubgen cannot build from."""
    shown = project.shown(project.config)
    if not project.config.is_file():
        return {"theme": {"name": "material"}}
    text = project.config.read_text(encoding="utf-8")
    try:
        base = yaml.load(text, Loader=_Loader) or {}
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise HubError([Problem(shown, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1,
                                f"YAML syntax error: {exc.problem}")]) from None
    except yaml.YAMLError as exc:
        raise HubError([Problem(shown, 1, 1, f"YAML error: {exc}")]) from None
    except RecursionError:
        raise HubError([Problem(shown, 1, 1, "is nested too deeply to read; flatten it")]) from None
    if not isinstance(base, dict) or not isinstance(root, yaml.MappingNode):
        raise HubError([Problem(shown, 1, 1, "must be a mapping of MkDocs settings")])
    deep = _deeper_than(root, MAX_DEPTH)  # as for records; MkDocs' settings need four or five levels
    if deep is not None:
        raise HubError([Problem(shown, deep.start_mark.line + 1, deep.start_mark.column + 1,
                                f"is nested more than {MAX_DEPTH} deep here; MkDocs settings need a few "
                                "levels: flatten it")])
    where = _Places(shown, root)
    problems = [where.problem(key, f"`{key}` is set by hubgen for each variant; remove it")
                for key in OWNED if key in base]
    problems += _shape_problems(base, where)
    if problems:
        raise HubError(problems)
    return base


class _Places:
    """Where each top-level setting of mkdocs.yml, and each item of a list setting, stands."""

    def __init__(self, shown: str, root: yaml.MappingNode):
        self.shown = shown
        self.nodes = {key.value: value for key, value in root.value if isinstance(key, yaml.ScalarNode)}

    def problem(self, key: str, message: str, index: int | None = None) -> Problem:
        node = self.nodes.get(key)
        if index is not None and isinstance(node, yaml.SequenceNode) and index < len(node.value):
            node = node.value[index]
        mark = node.start_mark if node is not None else None
        name = key if index is None else f"{key}[{index}]"
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return Problem(self.shown, line, column, message, name)


def _named_items(base: dict[str, Any], key: str, where: _Places, what: str) -> list[tuple[int, str, Any]]:
    """The items of a list of names or one-key mappings (`plugins`, `markdown_extensions`)."""
    value = base.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise HubError([where.problem(key, f"must be a list of {what}, one `- name` per line")])
    items = []
    for index, item in enumerate(value):
        if isinstance(item, str) and item.strip():
            items.append((index, item, None))
        elif isinstance(item, dict) and len(item) == 1 and isinstance(next(iter(item)), str):
            name, options = next(iter(item.items()))
            items.append((index, name, options))
        else:
            raise HubError([where.problem(key, f"each entry must name one of the {what} (`- name`, or "
                                               "`- name:` followed by its options); this one does not",
                                          index)])
    return items


def _shape_problems(base: dict[str, Any], where: _Places) -> list[Problem]:
    problems = []
    for index, name, _ in _named_items(base, "plugins", where, "plugins"):
        if name not in PLUGINS_ALLOWED:
            problems.append(where.problem("plugins", f"plugin `{name}` is not supported: hubgen generates "
                                          "every page before the engine runs so that the project stays "
                                          "plain (MkDocs, ProperDocs, Zensical); remove it", index))
    for index, name, options in _named_items(base, "markdown_extensions", where, "Markdown extensions"):
        if name not in EXTENSIONS_ALLOWED:
            problems.append(where.problem("markdown_extensions", f"the Markdown extension `{name}` is not "
                                          "allowed: hubgen allows only extensions that read no file and run "
                                          "no code named here; remove it", index))
        for tagged in _python_names(options):
            problems.append(where.problem("markdown_extensions", f"`{tagged}` names Python code to run; "
                                          "only Material's emoji and pymdownx's fence functions may be "
                                          "named here; remove it", index))
    for key, kinds, what in (("extra", dict, "a mapping of `key: value` lines"),
                             ("extra_css", list, "a list of stylesheet paths"),
                             ("extra_javascript", list, "a list of script paths"),
                             ("theme", (dict, str), "a mapping with `name: material`")):
        if key in base and not isinstance(base[key], kinds):
            problems.append(where.problem(key, f"must be {what}"))
    theme = base.get("theme", {})
    if (theme.get("name") if isinstance(theme, dict) else theme) != "material":
        problems.append(where.problem("theme", "hubgen's templates are made for `name: material`"))
    for key, why in REFUSED.items():
        if key in base:
            problems.append(where.problem(key, why))
    problems += _page_text_problems(base, where)
    if isinstance(base.get("extra"), dict) and base["extra"].get("analytics"):
        problems.append(where.problem("extra", "`analytics` loads a tracker from another host; the hub "
                                      "promises no analytics and no third-party requests: remove it"))
    if isinstance(theme, dict) and theme.get("font") not in (None, False):
        problems.append(where.problem("theme", "`font` other than `false` loads fonts from Google; the hub "
                                      "requests nothing from another host: set `font: false`"))
    return problems


TEXT_SETTINGS = ("site_name", "site_description", "site_author", "copyright", "repo_url", "repo_name",
                 "edit_uri")
_SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "data", "file", "blob"})
# Material writes `extra`'s values into its pages as they are (its templates do not escape them)
_MARKUP = frozenset('<>"`')


def _deeper_than(root: yaml.Node, limit: int) -> yaml.Node | None:
    """The first node nested deeper than `limit` (the generated config is written back by
    `yaml.dump`, which recurses: three frames a level)."""
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return node
        if isinstance(node, yaml.MappingNode):
            stack += [(part, depth + 1) for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(item, depth + 1) for item in node.value]
    return None


def _page_text_problems(base: dict[str, Any], where: _Places) -> list[Problem]:
    """What in mkdocs.yml Material would write into every page that could run script, load from
    another host or read the build's environment."""
    problems = []
    for path, value in _leaves(base):
        if isinstance(value, Tagged) and not value.tag.startswith(_PYTHON_TAG):
            problems.append(where.problem(re.split(r"[.\[]", path)[0], f"`{value.tag}` at `{path}` reads the "
                                          "build's environment or another file, which can hold secrets (the "
                                          "affiliate site's passwords): write the value itself"))
    for key in TEXT_SETTINGS:
        if key in base and not isinstance(base[key], (str, Tagged)):
            problems.append(where.problem(key, "must be text"))
    if isinstance(base.get("copyright"), str):  # written into every page's footer as HTML
        problems += [where.problem("copyright", problem) for problem in html_problems(base["copyright"])]
    if isinstance(base.get("repo_url"), str) and url_scheme(base["repo_url"]) != "https":
        problems.append(where.problem("repo_url", "must start with https://"))
    theme = base.get("theme") if isinstance(base.get("theme"), dict) else {}
    elsewhere = [(key, f"{key}[{i}]", item) for key in ("extra_javascript", "extra_css")
                 if isinstance(base.get(key), list) for i, item in enumerate(base[key])]
    elsewhere += [("theme", f"theme.{name}", theme[name]) for name in ("logo", "favicon") if name in theme]
    for key, path, item in elsewhere:
        address = item.get("path") if isinstance(item, dict) else item
        if isinstance(address, str) and (url_scheme(address) or address.strip().startswith(("//", "\\"))):
            problems.append(where.problem(key, f"`{path}` is `{address}`, which the browser would load from "
                                          "another host (the hub requests nothing from another host): copy "
                                          "the file into the hub and name its path"))
    for path, value in _leaves(base.get("extra") if isinstance(base.get("extra"), dict) else {}, "extra"):
        if not isinstance(value, str):
            continue
        scheme = url_scheme(value)
        # a text may start like `Note:`; an address that runs script never is text, spaces or not
        if scheme in _SCRIPT_SCHEMES or (scheme and scheme not in ("https", "mailto")
                                         and not any(c.isspace() for c in value.strip())):
            problems.append(where.problem("extra", f"`{path}` is `{value}`, which uses `{scheme}:`; links "
                                          "must start with https:// (or be a mailto: address)"))
        elif _MARKUP & set(value):
            problems.append(where.problem("extra", f"`{path}` holds `<`, `>`, `\"` or a backtick, which "
                                          "Material would write into every page as markup; write plain text"))
    return problems


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, value) of every value in nested mappings and lists (a tagged value is one)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _leaves(inner, f"{path}[{index}]")
    else:
        yield path, value


REFUSED = {
    "hooks": "runs Python files inside the engine, where they could read any file (the affiliate "
             "content included); hubgen generates everything before the engine runs: remove it",
    "INHERIT": "reads another configuration file that hubgen does not check; copy its settings here",
}


def _python_names(options: Any) -> list[str]:
    """The `!!python/...` values in an extension's options that name other than allowed code."""
    if isinstance(options, Tagged):
        if options.tag.startswith(_PYTHON_TAG):
            written = options.tag[len(_PYTHON_TAG):]  # `name:module.function`
            kind, _, name = written.partition(":")
            allowed = kind == "name" and name.startswith(PYTHON_NAMES_ALLOWED)
            return [] if allowed else [f"!!python/{written}"]
        return _python_names(options.value)
    if isinstance(options, dict):
        return [found for value in options.values() for found in _python_names(value)]
    if isinstance(options, list):
        return [found for value in options for found in _python_names(value)]
    return []


ENGINE_EXTENSIONS = ["toc", "tables", "fenced_code"]  # MkDocs always adds these


def markdown_setup(project: Project) -> tuple[list[str], dict[str, dict]]:
    """The Markdown extensions the engine will render with, and their options, from mkdocs.yml
    (its allowed `!!python/name:` values made the functions they name); a HubError when
    mkdocs.yml has problems or the extensions cannot be set up with these options."""
    import importlib

    import markdown

    base = load_base(project)
    names, configs = list(ENGINE_EXTENSIONS), {}
    try:
        for item in base.get("markdown_extensions") or []:
            name, options = (item, None) if isinstance(item, str) else next(iter(item.items()))
            if name not in names:
                names.append(name)
            if isinstance(options, dict):
                configs[name] = _resolved(options, importlib)
        markdown.Markdown(extensions=names, extension_configs=configs)
    except Exception as exc:  # an extension's own check of its options: any error it chose
        raise HubError([Problem(project.shown(project.config), 1, 1,
                                f"the Markdown extensions cannot be set up with these options ({exc}); "
                                "check `markdown_extensions`", "markdown_extensions")]) from None
    return names, configs


def _resolved(value: Any, importlib: Any) -> Any:
    if isinstance(value, Tagged) and value.tag.startswith(_PYTHON_TAG + "name:"):
        module, _, attribute = value.tag[len(_PYTHON_TAG + "name:"):].rpartition(".")
        return getattr(importlib.import_module(module), attribute)
    if isinstance(value, Tagged):
        return value.value
    if isinstance(value, dict):
        return {k: _resolved(v, importlib) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolved(v, importlib) for v in value]
    return value


def variant_config(base: dict[str, Any], hub: Hub, variant: Variant) -> dict[str, Any]:
    """The generated project's configuration: the base plus what hubgen owns."""
    config = copy.deepcopy(base)
    # plain text the theme's templates write unescaped (see `render.engine_text`)
    defaults = {"site_name": hub.settings.title, "site_description": hub.settings.description}
    for key in ("site_name", "site_description", "site_author", "repo_name"):
        given = config.get(key) or defaults.get(key)
        if isinstance(given, str):
            config[key] = engine_text(given)
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
                            # a place on a page that is not there (`#x`) takes the reader to the
                            # page's top: no reason to refuse a build `check` accepted
                            "links": {"not_found": "warn", "anchors": "info",
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
