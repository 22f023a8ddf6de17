"""Checks a Debian package's Depends against its programs.

Usage: check_depends.py <extracted root> <package.deb>

For every program under <root>/usr/bin, each shared library it needs
directly (its NEEDED entries, resolved by this machine's dynamic loader
through ldd) must come from a Debian package (dpkg -S, which only reads
dpkg's database) that the package's Depends field names. Libraries needed
only through those are their own packages' business. Prints one line per
library and package, then "ok".
"""

import os
import re
import subprocess
import sys


def run(*command):
    return subprocess.run(command, capture_output=True, text=True,
                          check=True).stdout


def providing_package(path):
    # The file itself first: a symlink to it may belong to a -dev package.
    # Debian 12 merges /lib into /usr/lib, and dpkg knows each file under
    # the name its package installed it by, so try both.
    candidates = []
    for name in (os.path.realpath(path), path):
        other = name[len("/usr"):] if name.startswith("/usr/") else "/usr" + name
        candidates += [name, other]
    for candidate in candidates:
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True,
                                text=True)
        if result.returncode == 0:
            return result.stdout.split(":", 1)[0].split(",")[0].strip()
    return None


def main():
    root, deb = sys.argv[1], sys.argv[2]
    depends = run("dpkg-deb", "--field", deb, "Depends")
    named = {re.split(r"[\s(]", entry.strip(), maxsplit=1)[0]
             for entry in depends.split(",")}
    needed = {}
    bindir = os.path.join(root, "usr", "bin")
    for name in sorted(os.listdir(bindir)):
        program = os.path.join(bindir, name)
        direct = re.findall(r"\(NEEDED\)\s+Shared library: \[(\S+)\]",
                            run("readelf", "--dynamic", program))
        # "libz.so.1 => /lib/.../libz.so.1 (0x...)", or for the dynamic
        # loader "/lib64/ld-linux-x86-64.so.2 (0x...)".
        for line in run("ldd", program).splitlines():
            match = (re.match(r"\s*(\S+) => (/\S+)", line) or
                     re.match(r"\s*((/\S+))", line))
            if match and os.path.basename(match.group(1)) in direct:
                needed[os.path.basename(match.group(1))] = match.group(2)
        for library in direct:
            needed.setdefault(library, "not found")
    failures = []
    for library, path in sorted(needed.items()):
        package = providing_package(path) if path.startswith("/") else None
        print(f"{library} {package}")
        if package not in named:
            failures.append(f"{library} ({path}) comes from {package}, which "
                            f"Depends does not name")
    if failures:
        sys.exit("\n".join(failures))
    print("ok")


if __name__ == "__main__":
    main()
