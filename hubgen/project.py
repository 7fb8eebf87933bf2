"""Where a hub's parts live: content, templates, base config, build and site folders."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

Variant = Literal["public", "affiliates"]
VARIANTS: tuple[Variant, ...] = get_args(Variant)
# The theme folder (below a generated project's overrides/) holding each page's HTML pieces,
# named by their contents (see hubgen.render.split_page): read like pages, not like the theme.
PIECES = "hub/pieces"


@dataclass(frozen=True)
class Project:
    """A hub laid out as the README describes, rooted at `root`."""

    root: Path

    @classmethod
    def at(cls, root: str | Path = ".") -> Project:
        return cls(Path(root).resolve())

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def config(self) -> Path:
        return self.root / "mkdocs.yml"

    def build_dir(self, variant: Variant) -> Path:
        return self.root / "build" / variant

    def site_dir(self, variant: Variant) -> Path:
        return self.root / "site" / variant

    def source_of(self, page: str) -> str | None:
        """The content file a generated page (`tools/x.md`, relative to `docs/`) is made from,
        as `shown`; None for pages made from many records (listings, themes, home)."""
        folder, _, name = page.rpartition("/")
        if "/" in folder or not folder or not name.endswith(".md"):
            return None
        source = self.content / folder / f"{name[:-3]}.yml"
        return self.shown(source) if source.is_file() else None

    def shown(self, path: Path) -> str:
        """A path as editors see it in messages: relative to the root, forward slashes."""
        text, root = str(path), str(self.root)
        if text.startswith(root + "/"):  # the common case, without pathlib's cost on large hubs
            return text[len(root) + 1:]
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()
