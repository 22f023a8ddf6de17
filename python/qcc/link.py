"""Linking a qcc object into a shared object with the system C compiler.

qcc's objects are position independent (docs/ABI.md), so `cc -shared` is
all it takes; -lm covers the libm calls some configurations reference.
"""

import os
import shlex

from .process import run_tool


def c_compiler(cc=None):
    """The C compiler command as a list: `cc`, else $CC, else `cc`."""
    return shlex.split(cc or os.environ.get("CC") or "cc")


def link_shared(object_path, library_path, *, cc=None):
    """Links `object_path` into the shared object `library_path`."""
    command = c_compiler(cc) + ["-shared", os.fspath(object_path), "-o",
                                os.fspath(library_path), "-lm"]
    run_tool(command, f"linking {object_path} failed")
