"""Runs the `sh` code blocks of one section of a Markdown page, in order, as
one bash script (set -euo pipefail), so that a documented walk-through is
tested as written.

Usage: run_doc_section.py <page.md> <section heading> <source root> <bin dir>
                          <home>

The script starts in <source root> with HOME=<home>. `$QCC_SRC/build/bin`
in the blocks becomes <bin dir>, the build under test, which need not be
<source root>/build. Exits with the script's status.
"""

import os
import re
import subprocess
import sys


def section_blocks(text, heading):
    """The bodies of the ```sh blocks between `## <heading>` and the next
    level-2 heading."""
    start = text.index("\n## " + heading + "\n")
    end = text.find("\n## ", start + 1)
    section = text[start:end if end >= 0 else len(text)]
    return re.findall(r"^```sh\n(.*?)^```$", section, re.M | re.S)


def main(page, heading, source_root, bin_dir, home):
    with open(page) as f:
        blocks = section_blocks(f.read(), heading)
    if not blocks:
        print(f"error: no sh blocks in section '{heading}' of {page}",
              file=sys.stderr)
        return 1
    script = "set -euo pipefail\n" + "\n".join(blocks)
    script = script.replace("$QCC_SRC/build/bin", bin_dir)
    env = dict(os.environ, HOME=home)
    return subprocess.run(["bash", "-c", script], cwd=source_root,
                          env=env).returncode


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
