#!/usr/bin/env python3
"""Checks that qcc's libraries depend one way.

Every CMakeLists.txt under lib/ states the layer of the libraries it defines
in a comment right before (or at the top of the file above) the
`add_*_library` call:

    # Layer: Quantization — may use Conversion/Transforms and the Dialect.

The layers, bottom to top, are LAYERS below. The check fails when

  * a library has no layer, or names one that does not exist;
  * a library links (LINK_LIBS) a qcc library of a higher layer;
  * the qcc library link graph has a cycle;
  * a source file or header of a library, or a header under include/qcc/,
    includes a qcc header owned by a library of a higher layer.

Usage: check-layering.py <repository root> [--print-graph]
Prints "layering: OK (...)" and exits 0, or lists every violation and exits 1.
"""

import argparse
import os
import re
import sys

# Bottom to top. A library may use its own layer and the ones below it.
LAYERS = [
    "Dialect",
    "Conversion/Transforms",
    "Codegen",
    "Quantization",
    "Calibration",
    "Pipelines",
    "Report",
    "Driver",
]

LIBRARY_CALL = re.compile(
    r"^\s*add_(?:mlir_|mlir_dialect_|mlir_conversion_)?library\(\s*(\w+)",
    re.MULTILINE)
LAYER_COMMENT = re.compile(r"^#\s*Layer:\s*(.+?)\s*(?:—|--|$)", re.MULTILINE)
INCLUDE = re.compile(r'^\s*#\s*include\s+"(qcc/[^"]+)"', re.MULTILINE)


class Library:
    def __init__(self, name, directory, layer, cmake):
        self.name = name
        self.directory = directory  # relative to the root, e.g. lib/Quantization
        self.layer = layer
        self.cmake = cmake
        self.links = []


def strip_comments(text):
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def call_body(text, start):
    """The text of the CMake call whose '(' follows `start`."""
    depth = 0
    for index in range(text.index("(", start), len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return text[start:index]
    return text[start:]


SECTION_KEYWORDS = {"ADDITIONAL_HEADER_DIRS", "DEPENDS", "LINK_COMPONENTS",
                    "LINK_LIBS", "PUBLIC", "PRIVATE", "INTERFACE",
                    "PARTIAL_SOURCES_INTENDED", "EXCLUDE_FROM_LIBMLIR",
                    "DISABLE_INSTALL", "STATIC", "SHARED", "OBJECT"}


def linked_libraries(body):
    """The qcc libraries named in the LINK_LIBS sections of a call body."""
    links, in_link_libs = [], False
    for token in body.split():
        if token == "LINK_LIBS":
            in_link_libs = True
        elif token in SECTION_KEYWORDS:
            if token not in ("PUBLIC", "PRIVATE", "INTERFACE"):
                in_link_libs = False
        elif in_link_libs and re.fullmatch(r"Qcc\w+", token):
            links.append(token)
    return links


def parse_libraries(root, errors):
    libraries = {}
    for directory, _, files in os.walk(os.path.join(root, "lib")):
        if "CMakeLists.txt" not in files:
            continue
        path = os.path.join(directory, "CMakeLists.txt")
        relative = os.path.relpath(path, root)
        with open(path, encoding="utf-8") as file:
            text = file.read()
        for match in LIBRARY_CALL.finditer(text):
            name = match.group(1)
            if not name.startswith("Qcc"):
                continue
            # The nearest layer comment before the call.
            comments = [c for c in LAYER_COMMENT.finditer(text, 0, match.start())]
            layer = comments[-1].group(1).strip() if comments else None
            if layer is None:
                errors.append(f"{relative}: library {name} states no layer "
                              f"('# Layer: <one of {', '.join(LAYERS)}>')")
                continue
            if layer not in LAYERS:
                errors.append(f"{relative}: library {name} names unknown layer "
                              f"'{layer}' (known: {', '.join(LAYERS)})")
                continue
            library = Library(name, os.path.relpath(directory, root),
                              LAYERS.index(layer), relative)
            body = strip_comments(call_body(text, match.start()))
            # Linked qcc libraries: LINK_LIBS sections, and any
            # target_link_libraries(<name> ...) of the same library.
            library.links = linked_libraries(body)
            for extra in re.finditer(
                    r"target_link_libraries\(\s*(?:obj\.)?" + name + r"\b([^)]*)\)",
                    strip_comments(text)):
                library.links += re.findall(r"\b(Qcc\w+)\b", extra.group(1))
            libraries[name] = library
    return libraries


def check_links(libraries, errors):
    for library in libraries.values():
        for dependency in library.links:
            if dependency not in libraries:
                continue  # a generated target (QccFooIncGen) or a test target
            if libraries[dependency].layer > library.layer:
                errors.append(
                    f"{library.cmake}: {library.name} (layer "
                    f"{LAYERS[library.layer]}) links {dependency} (layer "
                    f"{LAYERS[libraries[dependency].layer]}), a layer above it")


def check_cycles(libraries, errors):
    state = {}
    stack = []

    def visit(name):
        state[name] = "visiting"
        stack.append(name)
        for dependency in libraries[name].links:
            if dependency not in libraries:
                continue
            if state.get(dependency) == "visiting":
                cycle = stack[stack.index(dependency):] + [dependency]
                errors.append("library link cycle: " + " -> ".join(cycle))
            elif dependency not in state:
                visit(dependency)
        stack.pop()
        state[name] = "done"

    for name in sorted(libraries):
        if name not in state:
            visit(name)


def library_sources(library, root):
    """The stems of the C/C++ sources in a library's directory."""
    directory = os.path.join(root, library.directory)
    return {os.path.splitext(entry)[0] for entry in os.listdir(directory)
            if entry.endswith((".cpp", ".c"))}


def owner_layer(header, libraries, root):
    """The layer of the library that owns `header` (`qcc/Area/.../X.h`):
    the library under lib/Area/... with a source `X.cpp` or `X.c`; else
    the libraries defined in lib/Area/... itself, else under it (the deepest
    directory that has any), the highest layer of those. None for headers of
    no library (qcc/InitAll.h belongs to lib/InitAll)."""
    stem = os.path.splitext(header.split("/")[-1])[0]
    parts = header.split("/")[1:-1]  # drop 'qcc' and the file name
    if not parts:  # qcc/InitAll.h and other top-level headers
        parts = [stem]
    while parts:
        prefix = os.path.join("lib", *parts)
        below = [lib for lib in libraries.values()
                 if lib.directory == prefix
                 or lib.directory.startswith(prefix + os.sep)]
        by_source = [lib for lib in below
                     if stem in library_sources(lib, root)]
        here = [lib for lib in below if lib.directory == prefix]
        for owners in (by_source, here, below):
            if owners:
                return max(lib.layer for lib in owners)
        parts = parts[:-1]
    return None


def check_includes(root, libraries, errors):
    def scan(path, layer, what):
        with open(path, encoding="utf-8", errors="replace") as file:
            text = file.read()
        for include in INCLUDE.findall(text):
            owner = owner_layer(include, libraries, root)
            if owner is not None and owner > layer:
                errors.append(
                    f"{os.path.relpath(path, root)}: {what} (layer "
                    f"{LAYERS[layer]}) includes {include} (layer "
                    f"{LAYERS[owner]}), a layer above it")

    sources = (".cpp", ".h", ".c", ".inc", ".td")
    for library in libraries.values():
        directory = os.path.join(root, library.directory)
        for entry in sorted(os.listdir(directory)):
            path = os.path.join(directory, entry)
            if os.path.isfile(path) and entry.endswith(sources):
                scan(path, library.layer, library.name)
            elif os.path.isdir(path) and not os.path.exists(
                    os.path.join(path, "CMakeLists.txt")):
                # Private sources in a subdirectory without a library.
                for sub_directory, _, files in os.walk(path):
                    for file in sorted(files):
                        if file.endswith(sources):
                            scan(os.path.join(sub_directory, file),
                                 library.layer, library.name)
    for directory, _, files in os.walk(os.path.join(root, "include", "qcc")):
        for file in sorted(files):
            if not file.endswith(sources):
                continue
            path = os.path.join(directory, file)
            header = os.path.relpath(path, os.path.join(root, "include"))
            layer = owner_layer(header, libraries, root)
            if layer is not None:
                scan(path, layer, "header " + header)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root")
    parser.add_argument("--print-graph", action="store_true",
                        help="print each library's layer and qcc links")
    args = parser.parse_args()

    errors = []
    libraries = parse_libraries(args.root, errors)
    check_links(libraries, errors)
    check_cycles(libraries, errors)
    check_includes(args.root, libraries, errors)

    if args.print_graph:
        for library in sorted(libraries.values(),
                              key=lambda lib: (lib.layer, lib.name)):
            links = sorted(set(l for l in library.links if l in libraries))
            print(f"{LAYERS[library.layer]:22} {library.name:22} -> "
                  f"{', '.join(links) if links else '(upstream only)'}")
    for error in errors:
        print("error: " + error)
    if errors:
        print(f"layering: {len(errors)} violation(s)")
        return 1
    print(f"layering: OK ({len(libraries)} libraries, "
          f"{sum(len(set(l for l in lib.links if l in libraries)) for lib in libraries.values())} links, no cycle)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
