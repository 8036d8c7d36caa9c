"""TorchSharp's module.save() format: LEB128 count, then per entry LEB128 name length, UTF-8 name,
LEB128 element type, LEB128 rank, LEB128 dims, raw little-endian data."""
import io, struct
import numpy as np

TYPES = {0: np.uint8, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.int64, 5: np.float16, 6: np.float32, 7: np.float64, 11: np.bool_}
CODES = {np.dtype(v): k for k, v in TYPES.items()}

def _read_u(f):
    result, shift = 0, 0
    while True:
        b = f.read(1)[0]
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result

def _write_u(f, v):
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            f.write(bytes([b | 0x80]))
        else:
            f.write(bytes([b]))
            return

def load(path):
    import lzma
    out = {}
    with (lzma.open(path, 'rb') if path.endswith('.xz') else open(path, 'rb')) as f:
        n = _read_u(f)
        for _ in range(n):
            name = f.read(_read_u(f)).decode('utf-8')
            dtype = np.dtype(TYPES[_read_u(f)])
            shape = [_read_u(f) for _ in range(_read_u(f))]
            count = int(np.prod(shape)) if shape else 1
            out[name] = np.frombuffer(f.read(count * dtype.itemsize), dtype=dtype).reshape(shape).copy()
        rest = f.read()
        if rest:
            raise ValueError(f'{len(rest)} trailing bytes in {path}')
    return out

def save(path, arrays):
    with open(path, 'wb') as f:
        _write_u(f, len(arrays))
        for name, a in arrays.items():
            a = np.ascontiguousarray(a)
            b = name.encode('utf-8')
            _write_u(f, len(b)); f.write(b)
            _write_u(f, CODES[a.dtype]); _write_u(f, a.ndim)
            for s in a.shape:
                _write_u(f, s)
            f.write(a.astype(a.dtype.newbyteorder('<')).tobytes())
