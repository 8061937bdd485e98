"""Walking inputs the way the CLI does (cli/input.c): a file is one message
or, when its content starts with a "From " line, an mbox; a directory
(plain or Maildir) is read recursively in byte order of the names, skipping
hidden entries and the *.json, *.tsv and *.md files kept beside samples,
and in a Maildir (a directory with cur/ or new/) its tmp/ directory and the
files Dovecot and Courier keep there.  A directory reached twice through
symbolic links is read once.

This module yields *work items*; the Classifier turns them into Diagnosis
objects.  Items are tuples:

    ("file", source, path)                   one message in a file
    ("message", source, index, data)         message `index` of an mbox
    ("error", source, index, code, message)  something that could not be read
"""
from __future__ import annotations

import errno
import io
import os
import stat
import tempfile
from typing import IO, Any, Iterator, Tuple

from . import _bouncewhy as _c

__all__ = ["walk", "walk_stream"]

_MAX_DEPTH = 64
_SKIPPED_SUFFIXES = (".json", ".tsv", ".md")
# Inside a Maildir: not messages (as cli/input.c, maildir_meta()).
_MAILDIR_META = ("tmp", "subscriptions", "maildirfolder")
_MAILDIR_META_PREFIXES = ("dovecot", "courier")
_DEFAULT_MAX_SIZE = 64 << 20

Item = Tuple[Any, ...]


def _strerror(e: OSError) -> str:
    return e.strerror or os.strerror(e.errno or errno.EIO)


def _mbox_items(source: str, fd: int, max_size: int, head: bytes = b"") -> Iterator[Item]:
    try:
        reader = _c.MboxReader(fd, max_size, head)
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


def _maildir_meta(name: str) -> bool:
    return name in _MAILDIR_META or name.startswith(_MAILDIR_META_PREFIXES)


def _path_items(path: str, depth: int, max_size: int, visited: set) -> Iterator[Item]:
    try:
        st = os.stat(path)
    except OSError as e:
        yield ("error", path, None, _c.BW_EIO, _strerror(e))
        return
    if stat.S_ISDIR(st.st_mode):
        if depth > _MAX_DEPTH:
            yield ("error", path, None, _c.BW_ELIMIT, "directories nested too deeply")
            return
        if (st.st_dev, st.st_ino) in visited:
            return                          # a link back into the walk: read once
        visited.add((st.st_dev, st.st_ino))
        try:
            names = [n for n in os.listdir(path) if not n.startswith(".")]
        except OSError as e:
            yield ("error", path, None, _c.BW_EIO, _strerror(e))
            return
        if "cur" in names or "new" in names:
            names = [n for n in names if not _maildir_meta(n)]
        names.sort(key=os.fsencode)        # strcmp order, as the CLI sorts
        sep = "" if path.endswith("/") else "/"
        for name in names:
            yield from _path_items(path + sep + name, depth + 1, max_size, visited)
        return
    if depth > 0:
        if not stat.S_ISREG(st.st_mode):
            return
        if path.endswith(_SKIPPED_SUFFIXES):
            return
    yield from _file_items(path, max_size)


def walk(path: "os.PathLike[str] | str", max_size: int = 0) -> Iterator[Item]:
    """Work items for a file, mbox, directory or Maildir at `path`."""
    return _path_items(os.fspath(path), 0, max_size, set())


def read_limited(stream: IO[bytes], limit: int) -> Any:
    """Reads `stream` to its end, in chunks, raising LimitError as soon as
    more than `limit` bytes (0: 64 MiB) arrive: an endless stream costs
    `limit` at most.  Returns bytes, or str when the stream gives str."""
    limit = limit or _DEFAULT_MAX_SIZE
    chunks = []
    total = 0
    while True:
        chunk = stream.read(min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise _c.LimitError("message exceeds the limit of %d bytes" % limit)
    if chunks and isinstance(chunks[0], str):
        return "".join(chunks)
    if chunks and not isinstance(chunks[0], (bytes, bytearray, memoryview)):
        return chunks[0]                    # not bytes: the caller reports it
    return b"".join(chunks)


def walk_stream(stream: IO[bytes], source: str = "-", max_size: int = 0) -> Iterator[Item]:
    """Work items for a binary stream (standard input): one message, or an
    mbox when it starts with a "From " line.  A stream with a file
    descriptor is read as a stream (an mbox of any length in bounded
    memory); one message is refused as soon as it exceeds `max_size`."""
    head = stream.read(5)
    if not isinstance(head, (bytes, bytearray)):
        raise TypeError("the stream must be opened in binary mode")
    if not _c.mbox_detect(head):
        try:
            rest = read_limited(stream, max(0, (max_size or _DEFAULT_MAX_SIZE) - len(head)) or 1)
        except _c.LimitError:
            yield ("error", source, None, _c.BW_ELIMIT,
                   "message exceeds the limit of %d bytes" % (max_size or _DEFAULT_MAX_SIZE))
            return
        yield ("message", source, None, bytes(head) + bytes(rest))
        return
    fileno = getattr(stream, "fileno", None)
    try:
        fd = fileno() if callable(fileno) else -1
    except (OSError, ValueError):
        fd = -1
    peek = getattr(stream, "peek", None)
    if fd >= 0 and (callable(peek) or isinstance(stream, io.RawIOBase)):
        # What the stream's buffer already holds goes first, then the fd.
        buffered = peek(1)[: (1 << 16) - len(head)] if callable(peek) else b""
        if buffered:
            buffered = stream.read(len(buffered))
        yield from _mbox_items(source, fd, max_size, bytes(head) + bytes(buffered))
        return
    with tempfile.TemporaryFile() as tmp:
        tmp.write(head)
        while True:
            chunk = stream.read(1 << 20)
            if not chunk:
                break
            tmp.write(chunk)
        tmp.flush()
        tmp.seek(0)
        yield from _mbox_items(source, tmp.fileno(), max_size)
