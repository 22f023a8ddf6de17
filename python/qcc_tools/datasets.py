"""Fashion-MNIST from Debian's dataset-fashion-mnist package, and calibration
data files for qcc.

Everything here is the standard library plus numpy. The IDX reader checks the
magic number, the element type, the rank, the dimensions and the payload
size of each file, so a truncated or mislabelled file fails loudly instead of
producing a silently shorter data set.

Normalization (the same in training, evaluation, calibration and C)::

    x = (float)pixel / 255.0f;          // pixel is uint8, all float32 math
    x = (x - 0.2860f) / 0.3530f;        // Fashion-MNIST train mean / std

Every step is a single correctly rounded IEEE float32 operation (int->float
conversion is exact, then one division, one subtraction, one division), so C
code built without -ffast-math reproduces :func:`normalize` bit for bit.

Command line (writes calibration data for the model input ``image``)::

    python -m qcc_tools.datasets calib --count 1000 -o calib.npz
    python -m qcc_tools.datasets calib --count 1000 -o calib_dir/   # image.npy
    python -m qcc_tools.datasets calib --split test --count 1000 --labels \
        -o test.npz                      # image and labels: a test set
"""

import argparse
import gzip
import os
import sys

import numpy as np

DEFAULT_DIR = "/usr/share/datasets/fashion-mnist"
ENV_DIR = "QCC_FASHION_MNIST_DIR"

MEAN = 0.2860
STD = 0.3530

CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
           "Shirt", "Sneaker", "Bag", "Ankle boot")

_SPLITS = {"train": ("train", 60000), "test": ("t10k", 10000),
           "t10k": ("t10k", 10000)}

# IDX element type codes -> numpy dtypes (all multi-byte types big-endian).
_IDX_TYPES = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"),
              0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
              0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


class IdxError(ValueError):
    """A file is not the IDX file it should be."""


def parse_idx(data, name="<bytes>", expect_type=None, expect_rank=None):
    """Parses an uncompressed IDX buffer into a numpy array.

    `expect_type` is the IDX type code (0x08 for uint8) and `expect_rank` the
    number of dimensions the caller needs; both are checked when given.
    """
    if len(data) < 4:
        raise IdxError(f"{name}: {len(data)} bytes, too short for an IDX "
                       f"header")
    if data[0] != 0 or data[1] != 0:
        raise IdxError(f"{name}: bad IDX magic {data[:4].hex()} (the first "
                       f"two bytes must be zero)")
    type_code, rank = data[2], data[3]
    if type_code not in _IDX_TYPES:
        raise IdxError(f"{name}: unknown IDX element type 0x{type_code:02x}")
    if expect_type is not None and type_code != expect_type:
        raise IdxError(f"{name}: IDX element type 0x{type_code:02x}, "
                       f"expected 0x{expect_type:02x}")
    if expect_rank is not None and rank != expect_rank:
        raise IdxError(f"{name}: IDX rank {rank}, expected {expect_rank} "
                       f"(magic {data[:4].hex()})")
    header = 4 + 4 * rank
    if len(data) < header:
        raise IdxError(f"{name}: truncated IDX header ({len(data)} bytes, "
                       f"needs {header})")
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big")
                  for i in range(rank))
    dtype = _IDX_TYPES[type_code]
    count = int(np.prod(shape, dtype=np.int64))
    expected = header + count * dtype.itemsize
    if len(data) != expected:
        raise IdxError(f"{name}: {len(data)} bytes, expected {expected} for "
                       f"shape {shape} of {dtype}")
    array = np.frombuffer(data, dtype=dtype, count=count, offset=header)
    return array.reshape(shape).astype(dtype.newbyteorder("="))


def read_idx(path, expect_type=None, expect_rank=None):
    """Reads an IDX file, gzip-compressed if its name ends in .gz."""
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path}: not found (install Debian's dataset-fashion-mnist, or "
            f"set {ENV_DIR} to a folder with the IDX files)") from None
    except (OSError, EOFError) as e:  # gzip.BadGzipFile is an OSError
        raise IdxError(f"{path}: cannot read: {e}") from None
    return parse_idx(data, str(path), expect_type, expect_rank)


def data_dir(directory=None):
    return directory or os.environ.get(ENV_DIR) or DEFAULT_DIR


def load_fashion_mnist(split, directory=None):
    """Returns (images uint8 [N,28,28], labels uint8 [N]) of `split`:
    "train" (N=60000) or "test"/"t10k" (N=10000)."""
    if split not in _SPLITS:
        raise ValueError(f"unknown split {split!r}: use 'train' or 'test'")
    stem, count = _SPLITS[split]
    root = data_dir(directory)
    images = read_idx(os.path.join(root, f"{stem}-images-idx3-ubyte.gz"),
                      expect_type=0x08, expect_rank=3)
    labels = read_idx(os.path.join(root, f"{stem}-labels-idx1-ubyte.gz"),
                      expect_type=0x08, expect_rank=1)
    if images.shape != (count, 28, 28):
        raise IdxError(f"{split} images: shape {images.shape}, expected "
                       f"{(count, 28, 28)}")
    if labels.shape != (count,):
        raise IdxError(f"{split} labels: shape {labels.shape}, expected "
                       f"{(count,)}")
    if labels.max() >= len(CLASSES):
        raise IdxError(f"{split} labels: value {labels.max()} out of range "
                       f"0..{len(CLASSES) - 1}")
    return images, labels


def normalize(images):
    """uint8 [N,28,28] (or [28,28]) -> float32 [N,1,28,28] (or [1,1,28,28]),
    (x/255 - MEAN)/STD in float32 arithmetic (see the module docstring)."""
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise TypeError(f"normalize takes uint8 pixels, got {images.dtype}")
    if images.ndim == 2:
        images = images[None]
    if images.ndim != 3:
        raise ValueError(f"normalize takes [N,H,W] images, got shape "
                         f"{images.shape}")
    x = images.astype(np.float32) / np.float32(255.0)
    x = (x - np.float32(MEAN)) / np.float32(STD)
    return x[:, None, :, :].astype(np.float32, copy=False)


def calibration_images(count=1000, split="train", offset=0, directory=None):
    """The `count` images of `split` starting at `offset`, normalized:
    float32 [count,1,28,28]. The first 1,000 training images are the
    calibration set used by qcc and by the PyTorch int8 baseline."""
    images, _ = load_fashion_mnist(split, directory)
    if count <= 0 or offset < 0 or offset + count > len(images):
        raise ValueError(f"images {offset}..{offset + count} out of range for "
                         f"{split} ({len(images)} images)")
    return normalize(images[offset:offset + count])


def write_calibration(path, arrays, labels=None):
    """Writes calibration data for qcc.

    `labels`, if given, is stored as the integer array ``labels`` next to
    the inputs (qcc --validation and python3 -m qcc.evaluate read it).
    `arrays` maps model input names to float32 arrays whose first axis is
    the sample axis ([N, *input_shape]). A `path` ending in ``.npz`` gets one
    uncompressed .npz keyed by input name; any other path is a directory
    (created if needed) that gets ``<input>.npy`` per input. Returns the
    list of files written.
    """
    if not arrays:
        raise ValueError("no calibration arrays given")
    checked = {}
    count = None
    for name, array in arrays.items():
        if not name or "/" in name or name.startswith("."):
            raise ValueError(f"input name {name!r} cannot name a file")
        array = np.ascontiguousarray(array, dtype=np.float32)
        if array.ndim < 1 or array.shape[0] == 0:
            raise ValueError(f"input {name!r}: no samples (shape "
                             f"{array.shape})")
        if count is not None and array.shape[0] != count:
            raise ValueError(f"input {name!r}: {array.shape[0]} samples, "
                             f"other inputs have {count}")
        count = array.shape[0]
        checked[name] = array
    if labels is not None:
        if "labels" in checked:
            raise ValueError("an input named 'labels' leaves no room for "
                             "the labels")
        labels = np.ascontiguousarray(labels, dtype=np.int64)
        if labels.shape != (count,):
            raise ValueError(f"{labels.shape[0] if labels.ndim else 0} labels "
                             f"for {count} samples")
        checked["labels"] = labels
    path = str(path)
    if path.endswith(".npz"):
        parent = os.path.dirname(path)
        if parent:
            os.makedirs(parent, exist_ok=True)
        with open(path, "wb") as f:  # a file object keeps savez from
            np.savez(f, **checked)   # appending .npz to the name
        return [path]
    os.makedirs(path, exist_ok=True)
    written = []
    for name, array in checked.items():
        file = os.path.join(path, name + ".npy")
        np.save(file, array, allow_pickle=False)
        written.append(file)
    return written


def read_calibration(path):
    """Reads what :func:`write_calibration` wrote: {input name: array}."""
    path = str(path)
    if path.endswith(".npz"):
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    return {f[:-4]: np.load(os.path.join(path, f), allow_pickle=False)
            for f in sorted(os.listdir(path)) if f.endswith(".npy")}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m qcc_tools.datasets",
                                     description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    calib = sub.add_parser("calib", help="write normalized calibration images")
    calib.add_argument("-o", "--output", required=True,
                       help="a .npz file, or a directory for <input>.npy")
    calib.add_argument("--count", type=int, default=1000)
    calib.add_argument("--offset", type=int, default=0)
    calib.add_argument("--split", default="train", choices=sorted(_SPLITS))
    calib.add_argument("--input-name", default="image",
                       help="the model input the images are for (default "
                            "image)")
    calib.add_argument("--labels", action="store_true",
                       help="also store the images' classes as 'labels' "
                            "(a test set for qcc --validation or "
                            "python3 -m qcc.evaluate)")
    calib.add_argument("--data-dir", default=None,
                       help=f"IDX folder (default ${ENV_DIR} or {DEFAULT_DIR})")
    info = sub.add_parser("info", help="check the IDX files and print sizes")
    info.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)

    if args.command == "calib":
        x = calibration_images(args.count, args.split, args.offset,
                               args.data_dir)
        labels = None
        if args.labels:
            _, labels = load_fashion_mnist(args.split, args.data_dir)
            labels = labels[args.offset:args.offset + args.count]
        for f in write_calibration(args.output, {args.input_name: x},
                                   labels):
            print(f"wrote {f}: {args.input_name} {x.dtype} {list(x.shape)}"
                  + (f", labels int64 [{len(labels)}]" if args.labels else ""))
    else:
        for split in ("train", "test"):
            images, labels = load_fashion_mnist(split, args.data_dir)
            print(f"{split}: images {images.dtype} {list(images.shape)}, "
                  f"labels {labels.dtype} {list(labels.shape)}, per class "
                  f"{np.bincount(labels, minlength=10).tolist()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
