"""Write one variant's generated project to build/<variant>/, touching only files that changed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def _write_if_changed(path: str, data: bytes) -> bool:
    """Write `data` to `path` unless the file already holds it: a changed file through a
    temporary file, so that a watching engine never reads half of it; a new one directly, in
    as few system calls as can be (a fresh build writes twenty thousand)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        pass
    else:
        try:
            written = memoryview(data)
            while written:
                written = written[os.write(fd, written):]
        finally:
            os.close(fd)
        return True
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == len(data) and handle.read() == data:
            return False
    tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)
    return True


def _write_all(root: Path, files: dict[str, bytes]) -> list[str]:
    """Write each of `files` below `root` if it changed; the paths written, in order: the pages
    (`docs/`) last, so that a preview's engine, rebuilding as files change, finds the theme
    files a page names (its pieces) already there."""
    made: set[str] = set()
    written = []
    for rel, data in sorted(files.items(), key=lambda item: (item[0].startswith("docs/"), item[0])):
        path = os.path.join(root, rel)
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        if _write_if_changed(path, data):
            written.append(rel)
    return written


def write_tree(root: Path, files: dict[str, bytes]) -> list[str]:
    """Make `root` hold exactly `files`; unchanged files keep their modification time.

    Returns the paths written, so a live preview knows what changed.
    """
    root.mkdir(parents=True, exist_ok=True)
    return _write_all(root, files) + prune_tree(root, set(files))


def prune_tree(root: Path, wanted: set[str]) -> list[str]:
    """Delete every file below `root` not in `wanted`, and folders left empty; returns the
    files deleted. Hidden entries at the top of `root` are not hubgen's to delete: an engine's
    cache (Zensical's `.cache/`), the site a build is writing."""
    deleted, folders, top = [], [], str(root)
    for dirpath, dirnames, filenames in os.walk(root):
        if dirpath == top:
            dirnames[:] = [n for n in dirnames if not n.startswith(".")]
            filenames = [n for n in filenames if not n.startswith(".")]
        folders += [os.path.join(dirpath, n) for n in dirnames]
        for name in filenames:
            rel = Path(dirpath, name).relative_to(root).as_posix()
            if rel not in wanted:
                os.remove(Path(dirpath, name))
                deleted.append(rel)
    for folder in reversed(folders):  # the deepest first
        with os.scandir(folder) as entries:
            empty = next(entries, None) is None
        if empty:
            os.rmdir(folder)
    return deleted


def write_files(root: Path, files: dict[str, bytes], removed: set[str] = frozenset()) -> list[str]:
    """Write some files below `root` (unchanged ones untouched) and delete `removed` ones."""
    written = _write_all(root, files)
    for rel in sorted(removed):
        if (root / rel).is_file():
            (root / rel).unlink()
            written.append(rel)
    return written


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file below `root`, by forward-slash relative path (for copying templates)."""
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.name.startswith(".")}


def replace_dir(new: Path, target: Path) -> None:
    """Put the finished `new` in place of `target`, as nearly atomically as a file system allows."""
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    if old.exists():
        shutil.rmtree(old)
