"""Walking inputs the way the CLI does (cli/input.c): a file is one message
or, when its content starts with a "From " line, an mbox; a directory
(plain or Maildir) is read recursively in byte order of the names, skipping
hidden entries and the *.json, *.tsv and *.md files kept beside samples.

This module yields *work items*; the Classifier turns them into Diagnosis
objects.  Items are tuples:

    ("file", source, path)                   one message in a file
    ("message", source, index, data)         message `index` of an mbox
    ("error", source, index, code, message)  something that could not be read
"""
from __future__ import annotations

import errno
import os
import stat
import tempfile
from typing import IO, Any, Iterator, Tuple

from . import _bouncewhy as _c

__all__ = ["walk", "walk_stream"]

_MAX_DEPTH = 64
_SKIPPED_SUFFIXES = (".json", ".tsv", ".md")

Item = Tuple[Any, ...]


def _strerror(e: OSError) -> str:
    return e.strerror or os.strerror(e.errno or errno.EIO)


def _mbox_items(source: str, fd: int, max_size: int) -> Iterator[Item]:
    try:
        reader = _c.MboxReader(fd, max_size)
    except _c.Error as e:
        yield ("error", source, None, e.code, str(e))
        return
    index = 0
    try:
        while True:
            try:
                msg = reader.read()
            except _c.LimitError as e:
                # the oversized message is skipped; reading continues after it
                yield ("error", source, index, e.code, str(e))
                index += 1
                continue
            except _c.Error as e:
                yield ("error", source, index, e.code, str(e))
                break
            if msg is None:
                break
            yield ("message", source, index, msg)
            index += 1
    finally:
        reader.close()


def _file_items(path: str, max_size: int) -> Iterator[Item]:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        yield ("error", path, None, _c.BW_EIO, _strerror(e))
        return
    try:
        try:
            head = os.pread(fd, 5, 0)
        except OSError as e:
            yield ("error", path, None, _c.BW_EIO, _strerror(e))
            return
        if _c.mbox_detect(head):
            yield from _mbox_items(path, fd, max_size)
            return
    finally:
        os.close(fd)
    yield ("file", path, path)


def _path_items(path: str, depth: int, max_size: int) -> Iterator[Item]:
    try:
        st = os.stat(path)
    except OSError as e:
        yield ("error", path, None, _c.BW_EIO, _strerror(e))
        return
    if stat.S_ISDIR(st.st_mode):
        if depth > _MAX_DEPTH:
            yield ("error", path, None, _c.BW_ELIMIT, "directories nested too deeply")
            return
        try:
            names = [n for n in os.listdir(path) if not n.startswith(".")]
        except OSError as e:
            yield ("error", path, None, _c.BW_EIO, _strerror(e))
            return
        names.sort(key=os.fsencode)        # strcmp order, as the CLI sorts
        sep = "" if path.endswith("/") else "/"
        for name in names:
            yield from _path_items(path + sep + name, depth + 1, max_size)
        return
    if depth > 0:
        if not stat.S_ISREG(st.st_mode):
            return
        if path.endswith(_SKIPPED_SUFFIXES):
            return
    yield from _file_items(path, max_size)


def walk(path: "os.PathLike[str] | str", max_size: int = 0) -> Iterator[Item]:
    """Work items for a file, mbox, directory or Maildir at `path`."""
    return _path_items(os.fspath(path), 0, max_size)


def walk_stream(stream: IO[bytes], source: str = "-", max_size: int = 0) -> Iterator[Item]:
    """Work items for a binary stream (standard input): one message, or an
    mbox when it starts with a "From " line."""
    data = stream.read()
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError("the stream must be opened in binary mode")
    if not _c.mbox_detect(data[:5]):
        yield ("message", source, None, bytes(data))
        return
    with tempfile.TemporaryFile() as tmp:
        tmp.write(data)
        tmp.flush()
        tmp.seek(0)
        yield from _mbox_items(source, tmp.fileno(), max_size)
