"""The exceptions and warnings of the qcc package."""


class QccError(Exception):
    """qcc (or the C compiler that links its object) failed or is missing.

    `stderr` holds the tool's own diagnostics, `returncode` its exit status
    and `command` the command line; all three are None when no tool ran
    (qcc was not found).
    """

    def __init__(self, message, *, command=None, returncode=None,
                 stderr=None):
        super().__init__(message)
        self.command = command
        self.returncode = returncode
        self.stderr = stderr


class QccWarning(UserWarning):
    """A warning or remark qcc printed while compiling successfully (for
    example the float ops left between quantized layers)."""
