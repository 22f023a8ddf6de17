"""Running qcc and the C compiler: a failure becomes a QccError that carries
the tool's diagnostics."""

import subprocess

from .errors import QccError


def run_tool(command, failure):
    """Runs `command`; `failure` starts the QccError message when it cannot
    start or exits non-zero. Returns what it printed on stderr."""
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    except OSError as e:
        raise QccError(f"cannot run {command[0]!r}: {e}",
                       command=command) from None
    if result.returncode != 0:
        raise QccError(f"{failure} (exit {result.returncode}):\n"
                       f"{result.stderr.strip()}", command=command,
                       returncode=result.returncode, stderr=result.stderr)
    return result.stderr
