"""Checks that docs/GettingStarted.md lists exactly the Debian packages that
tools/scripts/common.sh installs (QCC_PACKAGES).

Usage: check_docs_packages.py <common.sh> <GettingStarted.md>
"""

import re
import sys


def main(script_path, page_path):
    with open(script_path) as f:
        script = f.read()
    array = re.search(r"^QCC_PACKAGES=\((.*?)^\)", script, re.M | re.S)
    installed = set(re.sub(r"#.*", "", array.group(1)).split())
    with open(page_path) as f:
        page = f.read()
    listed = re.search(r"The packages are `(.*?)`\.", page, re.S)
    documented = set(listed.group(1).split())
    if installed == documented:
        print(f"{len(installed)} packages, the same in both")
        return 0
    for name in sorted(installed - documented):
        print(f"error: {script_path} installs {name}; {page_path} does not "
              f"list it", file=sys.stderr)
    for name in sorted(documented - installed):
        print(f"error: {page_path} lists {name}; {script_path} does not "
              f"install it", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
