#!/usr/bin/python3
"""Writes test/fixtures/npy/*.npy with numpy (Debian's python3-numpy): every dtype the runtime
reads, format versions 1, 2 and 3, big-endian, 0-d and empty arrays. Values are
np.arange(n) - 2 cast to the dtype (bool: x % 2), so tests know them without Python.
    /usr/bin/python3 scripts/make_npy_fixtures.py
"""
import os
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'test', 'fixtures', 'npy')


def values(dtype, shape):
    n = int(np.prod(shape))
    a = np.arange(n) - 2
    return ((a % 2).astype(dtype) if dtype == np.bool_ else a.astype(dtype)).reshape(shape)


def save(name, arr, version=None):
    with open(os.path.join(OUT, name), 'wb') as f:
        np.lib.format.write_array(f, arr, version=version, allow_pickle=False)


def main():
    os.makedirs(OUT, exist_ok=True)
    for code in ['f4', 'f8', 'f2', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'b1']:
        dt = np.dtype(code)
        save(f'{code}_2x3.npy', values(dt.type, (2, 3)))
        if dt.itemsize > 1:
            save(f'be_{code}_2x3.npy', values(dt.type, (2, 3)).astype(dt.newbyteorder('>')))
    save('f4_v2.npy', values(np.float32, (3,)), version=(2, 0))
    save('f4_v3.npy', values(np.float32, (3,)), version=(3, 0))
    save('f4_scalar.npy', np.array(7.5, dtype=np.float32))
    save('f4_empty.npy', np.zeros((0, 4), dtype=np.float32))
    save('f4_fortran.npy', np.asfortranarray(values(np.float32, (2, 3))))
    print('wrote', len(os.listdir(OUT)), 'files to', OUT)


if __name__ == '__main__':
    main()
