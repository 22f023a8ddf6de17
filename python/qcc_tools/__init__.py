"""Test tooling for qcc: numpy reference ops, TOSA model generation, tensor I/O,
output comparison and a ctypes loader for compiled models.

Everything here depends on numpy and the standard library only, so the
end-to-end tests need no MLIR Python bindings and stay independent of the
compiler they check.
"""
