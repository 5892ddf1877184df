"""The exceptions of zhen.

Every error raised by zhen is a :class:`ZhenError`, and also a built-in
exception of the matching kind, so ``except ValueError`` / ``except OSError``
work as they do for the standard library. The message is the one the ``zhen``
command prints (file, line, byte offset, what to do); the same facts are
attributes: ``path``, ``line`` and ``offset`` (``None`` when unknown).
"""

from __future__ import annotations

from typing import Optional


class ZhenError(Exception):
    """Base class of every zhen error.

    Attributes:
        message: the message, as the ``zhen`` command prints it.
        path: the file concerned, or ``None``.
        line: the 1-based line in that file, or ``None``.
        offset: the byte offset in that file (or the char offset in a text
            passed as ``str``), or ``None``.
    """

    def __init__(
        self,
        message: str,
        *,
        path: Optional[str] = None,
        line: Optional[int] = None,
        offset: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.offset = offset

    def __str__(self) -> str:
        return self.message

    def _where(self) -> dict:
        return {"path": self.path, "line": self.line, "offset": self.offset}

    def __reduce__(self):  # keep the attributes across pickling (Spark, multiprocessing)
        return (_rebuild, (type(self), self.message, self._where()))


class UsageError(ZhenError, ValueError):
    """A bad argument value: an unknown OpenCC config, conversion mode,
    format, tag scheme or encoding."""


class DecodeError(ZhenError, ValueError):
    """Input that is not text in any encoding zhen reads: undecodable bytes
    (``line`` and byte ``offset`` name the first), a binary file (NUL byte), or
    a ``str`` holding a lone surrogate (``offset`` is its index)."""


class FormatError(ZhenError, ValueError):
    """A file that does not follow its format: a gold/annotation file, a user
    dictionary, an entities CSV (``path`` and ``line`` say where)."""


class ModelError(ZhenError, ValueError):
    """A file that is not a zhen NER model, or a corrupt one."""


class FileError(ZhenError, OSError):
    """A file or folder that cannot be read or written. ``errno`` and
    ``filename`` are set as for :class:`OSError` when the system gave them."""

    def __init__(
        self,
        message: str,
        *,
        path: Optional[str] = None,
        line: Optional[int] = None,
        offset: Optional[int] = None,
        errno: Optional[int] = None,
    ) -> None:
        super().__init__(message, path=path, line=line, offset=offset)
        self.errno = errno
        self.filename = path

    def __str__(self) -> str:
        return self.message

    def _where(self) -> dict:
        return {**super()._where(), "errno": self.errno}


for _cls in (ZhenError, UsageError, DecodeError, FormatError, ModelError, FileError):
    _cls.__module__ = "zhen"


def _rebuild(cls, message, where):
    return cls(message, **where)


__all__ = [
    "ZhenError",
    "UsageError",
    "DecodeError",
    "FormatError",
    "ModelError",
    "FileError",
]
