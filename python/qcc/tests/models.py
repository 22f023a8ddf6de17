"""Small ONNX models for the tests, each with a numpy reference of its own
computation (float64), written with the onnx helper API."""

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save


def _save(path, nodes, inputs, outputs, initializers):
    graph = helper.make_graph(nodes, "test", inputs, outputs, initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("",
                                                                        13)])
    save(model, path)


def _value(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def _weights(rng, shape):
    return rng.uniform(-1, 1, shape).astype(np.float32)


def write_dense(path, seed=0):
    """x[1,8] -> Gemm(W[4,8]^T, b) -> Relu -> y[1,4]. Returns the numpy
    reference, a function of a [..., 8] array."""
    rng = np.random.default_rng(seed)
    w, b = _weights(rng, (4, 8)), _weights(rng, (4,))
    _save(path,
          [helper.make_node("Gemm", ["x", "w", "b"], ["h"], transB=1),
           helper.make_node("Relu", ["h"], ["y"])],
          [_value("x", [1, 8])], [_value("y", [1, 4])],
          [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    w64, b64 = w.astype(np.float64), b.astype(np.float64)
    return lambda x: np.maximum(np.asarray(x, np.float64) @ w64.T + b64, 0.0)


def write_two_io(path, seed=1):
    """Inputs a[1,6], b[1,6]; outputs "sum" = a + b [1,6] and
    "proj/out" = (a * b) @ W [1,3] (a name that is no identifier). Returns
    the reference, a function of (a, b) giving (sum, proj)."""
    rng = np.random.default_rng(seed)
    w = _weights(rng, (6, 3))
    _save(path,
          [helper.make_node("Add", ["a", "b"], ["sum"]),
           helper.make_node("Mul", ["a", "b"], ["prod"]),
           helper.make_node("MatMul", ["prod", "w"], ["proj/out"])],
          [_value("a", [1, 6]), _value("b", [1, 6])],
          [_value("sum", [1, 6]), _value("proj/out", [1, 3])],
          [numpy_helper.from_array(w, "w")])
    w64 = w.astype(np.float64)

    def reference(a, b):
        a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
        return a + b, (a * b) @ w64
    return reference
