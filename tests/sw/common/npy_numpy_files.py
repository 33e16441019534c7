#!/usr/bin/python3
"""NumPy's side of the .npy interoperability tests (sw/common/npy.h).

Usage:
  npy_numpy_files.py OUTDIR          wipe OUTDIR, write the files NumPy makes into OUTDIR/numpy
                                     (read by tests/sw/common/npy_numpy_test.cc) and create an
                                     empty OUTDIR/from_cpp for the files the C++ test writes
  npy_numpy_files.py --check OUTDIR  check every file the C++ test wrote into OUTDIR/from_cpp
                                     with np.load(allow_pickle=False): dtype, shape, contents,
                                     the header's form, and that nothing else is in the folder

Contents follow pattern() below; npy_numpy_test.cc computes the same values (Pattern<T>).
Needs Debian's python3-numpy (scripts/install-deps.sh), run with /usr/bin/python3.
"""

import pathlib
import shutil
import struct
import sys

try:
    import numpy as np
except ImportError:
    sys.exit("npy_numpy_files.py: numpy is missing; install python3-numpy "
             "(scripts/install-deps.sh) and run with /usr/bin/python3")


def pattern(dtype, shape):
    """Known contents that use every byte of the element: element i of the flattened array."""
    n = int(np.prod(shape, dtype=np.int64))
    i = np.arange(n, dtype=np.int64)
    dt = np.dtype(dtype)
    if dt == np.int8:
        v = (i * 37 + 11) % 256 - 128
    elif dt == np.uint8:
        v = (i * 37 + 11) % 256
    elif dt == np.int16:
        v = (i * 40503 + 7) % 65536 - 32768
    elif dt == np.int32:
        v = (i * 2654435761 + 12345) % 2**32 - 2**31
    else:
        raise ValueError(f"no pattern for {dt}")
    return v.astype(dt).reshape(shape)


def write_numpy_files(out):
    d = out / "numpy"
    d.mkdir(parents=True)
    save = lambda name, a: np.save(d / name, a, allow_pickle=False)
    # Accepted: C order, the exact little-endian (or '|') dtype, versions 1.0, 2.0 and 3.0.
    save("i8_5x7.npy", pattern(np.int8, (5, 7)))
    save("i8_1x1.npy", pattern(np.int8, (1, 1)))
    save("i32_1x9.npy", pattern(np.int32, (1, 9)))
    save("i32_9x1.npy", pattern(np.int32, (9, 1)))
    save("i32_397x64.npy", pattern(np.int32, (397, 64)))
    save("u8_3x4.npy", pattern(np.uint8, (3, 4)))
    save("i16_vec9.npy", pattern(np.int16, (9,)))
    save("i8_vec13.npy", pattern(np.int8, (13,)))
    save("i32_vec6.npy", pattern(np.int32, (6,)))
    for version in ((2, 0), (3, 0)):
        with open(d / f"i32_v{version[0]}_3x4.npy", "wb") as f:
            np.lib.format.write_array(f, pattern(np.int32, (3, 4)), version=version)
    # Refused.
    save("i8_fortran_3x4.npy", np.asfortranarray(pattern(np.int8, (3, 4))))
    # A transposed view is Fortran-contiguous, and np.save writes it in Fortran order.
    save("i8_transposed_4x3.npy", pattern(np.int8, (3, 4)).T)
    save("f32_2x2.npy", np.arange(4, dtype=np.float32).reshape(2, 2))
    save("i32_bigendian_vec6.npy", pattern(np.int32, (6,)).astype(">i4"))
    save("i64_vec4.npy", np.arange(4, dtype=np.int64))
    save("bool_vec3.npy", np.array([True, False, True]))
    save("struct_vec3.npy", np.zeros(3, dtype=[("a", "<i4"), ("b", "|i1")]))
    np.save(d / "object_vec2.npy", np.array([1, "a"], dtype=object), allow_pickle=True)
    save("i8_0x4.npy", np.zeros((0, 4), dtype=np.int8))
    save("i32_2x3x4.npy", pattern(np.int32, (2, 3, 4)))
    save("i32_scalar.npy", np.int32(7))
    with open(d / "i8_two_arrays.npy", "wb") as f:
        np.save(f, pattern(np.int8, (2, 2)))
        np.save(f, pattern(np.int8, (2, 2)))
    (out / "from_cpp").mkdir()


# What npy_numpy_test.cc (NpyNumpyTest.WritesFilesNumPyLoads) writes: name -> (dtype, shape).
FROM_CPP = {
    "i8_5x7.npy": ("|i1", (5, 7)),
    "i8_1x1.npy": ("|i1", (1, 1)),
    "i8_1x64.npy": ("|i1", (1, 64)),
    "i8_64x1.npy": ("|i1", (64, 1)),
    "i32_397x64.npy": ("<i4", (397, 64)),
    "u8_3x4.npy": ("|u1", (3, 4)),
    "i16_2x5.npy": ("<i2", (2, 5)),
    "i16_vec9.npy": ("<i2", (9,)),
    "i8_vec13.npy": ("|i1", (13,)),
    "i32_vec6.npy": ("<i4", (6,)),
    "i32_0x3.npy": ("<i4", (0, 3)),
    "i8_vec0.npy": ("|i1", (0,)),
}


def check_cpp_files(out):
    d = out / "from_cpp"
    errors = []
    found = sorted(p.name for p in d.iterdir())
    for extra in sorted(set(found) - set(FROM_CPP)):
        errors.append(f"{extra}: unexpected file (a temporary left behind, or a new file "
                      "missing from FROM_CPP)")
    for name, (descr, shape) in FROM_CPP.items():
        path = d / name
        if not path.exists():
            errors.append(f"{name}: missing (the C++ test did not write it)")
            continue
        raw = path.read_bytes()
        (header_len,) = struct.unpack("<H", raw[8:10])
        data_offset = 10 + header_len
        if raw[:8] != b"\x93NUMPY\x01\x00":
            errors.append(f"{name}: not a version 1.0 .npy file: {raw[:8]!r}")
        if data_offset % 64 != 0 or raw[data_offset - 1:data_offset] != b"\n":
            errors.append(f"{name}: header is not padded to 64 bytes and newline-terminated")
        a = np.load(path, allow_pickle=False)
        want = pattern(np.dtype(descr), shape)
        if a.dtype.str != descr or a.shape != shape:
            errors.append(f"{name}: {a.dtype.str} {a.shape}, expected {descr} {shape}")
        elif not np.array_equal(a, want):
            bad = np.argwhere(a != want)[0]
            errors.append(f"{name}: element {tuple(bad)} is {a[tuple(bad)]}, "
                          f"expected {want[tuple(bad)]}")
        elif len(raw) != data_offset + want.nbytes:
            errors.append(f"{name}: {len(raw) - data_offset} data bytes, expected {want.nbytes}")
    for e in errors:
        print(e, file=sys.stderr)
    print(f"checked {len(FROM_CPP)} files in {d}: {len(errors)} problems")
    return 1 if errors else 0


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "--check":
        return check_cpp_files(pathlib.Path(args[1]))
    if len(args) == 1 and not args[0].startswith("-"):
        out = pathlib.Path(args[0])
        shutil.rmtree(out, ignore_errors=True)
        write_numpy_files(out)
        print(f"wrote NumPy {np.__version__} files into {out / 'numpy'}")
        return 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
