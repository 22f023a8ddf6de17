"""qcc from Python: compile a model, call it on numpy arrays.

    import qcc
    model = qcc.compile("model.onnx", calibration={"image": images})
    logits = model(image)

`compile` runs the qcc compiler, links its object into a shared object with
the system C compiler and loads it with ctypes; `load` loads an object or
shared object qcc built earlier. `python3 -m qcc.evaluate` compares
quantization schemes on a data set. Pure Python over ctypes and numpy;
docs/Python.md is the reference.
"""

from .compiler import compile
from .errors import QccError, QccWarning
from .header import HeaderError, TensorSpec
from .locate import find_qcc
from .model import EntryPoint, Model, Outputs, load
from .schemes import SCHEMES

__all__ = ["compile", "load", "find_qcc", "Model", "EntryPoint", "Outputs",
           "TensorSpec", "QccError", "QccWarning", "HeaderError", "SCHEMES"]
