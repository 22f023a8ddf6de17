"""Finding the qcc executable.

The search order is the one documented in docs/Python.md: an explicit path,
the QCC environment variable, the qcc installed next to this package, the
build tree of the repository this package sits in, and finally PATH.
"""

import os
import shutil

from .errors import QccError

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _is_executable(path):
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _installed_candidate(package_dir):
    """<prefix>/bin/qcc for a package installed as
    <prefix>/lib/python3/dist-packages/qcc (or lib/python3.X/site-packages)."""
    packages = os.path.dirname(package_dir)
    if os.path.basename(packages) not in ("dist-packages", "site-packages"):
        return None
    lib = os.path.dirname(os.path.dirname(packages))
    if not os.path.basename(lib).startswith("lib"):
        return None
    return os.path.join(os.path.dirname(lib), "bin", "qcc")


def _source_tree_candidate(package_dir, environ):
    """<repo>/<build>/bin/qcc for the package at <repo>/python/qcc, where
    <build> is $QCC_BUILD_DIR (relative to the repository) or `build`."""
    python_dir = os.path.dirname(package_dir)
    if os.path.basename(python_dir) != "python":
        return None
    repo = os.path.dirname(python_dir)
    if not os.path.isfile(os.path.join(repo, "CMakeLists.txt")):
        return None
    build = environ.get("QCC_BUILD_DIR") or "build"
    return os.path.join(repo, build, "bin", "qcc")


def find_qcc(qcc_path=None, *, environ=None, package_dir=PACKAGE_DIR):
    """The path of the qcc executable to run; raises QccError if there is
    none. `environ` and `package_dir` exist for tests."""
    environ = os.environ if environ is None else environ
    for explicit, origin in ((qcc_path, "qcc_path"),
                             (environ.get("QCC"), "the QCC variable")):
        if explicit:
            explicit = os.fspath(explicit)
            found = (explicit if os.sep in explicit
                     else shutil.which(explicit, path=environ.get("PATH")))
            if found and _is_executable(found):
                return found
            raise QccError(f"qcc not found: {explicit!r} (from {origin}) is "
                           f"not an executable file")
    tried = []
    for candidate in (_installed_candidate(package_dir),
                      _source_tree_candidate(package_dir, environ)):
        if candidate:
            if _is_executable(candidate):
                return candidate
            tried.append(candidate)
    found = shutil.which("qcc", path=environ.get("PATH"))
    if found:
        return found
    tried.append("qcc on PATH")
    raise QccError("qcc not found (tried " + ", ".join(tried) + "); pass "
                   "qcc_path= or set the QCC environment variable")
