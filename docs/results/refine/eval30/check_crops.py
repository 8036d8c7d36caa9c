# Checks each crop equals the source's 256x256 centre region at ((w-256)//2, (h-256)//2), pixel for pixel.
import struct, zlib, sys, os
def decode(path, rows_needed=None, cols_needed=None):
    d = open(path, 'rb').read()
    assert d[:8] == b'\x89PNG\r\n\x1a\n'
    i = 8; idat = []
    while i < len(d):
        n, = struct.unpack('>I', d[i:i+4]); t = d[i+4:i+8]; c = d[i+8:i+8+n]; i += 12 + n
        if t == b'IHDR': w, h, bd, ct, _, _, il = struct.unpack('>IIBBBBB', c); assert bd == 8 and ct == 2 and il == 0
        elif t == b'IDAT': idat.append(c)
    raw = zlib.decompress(b''.join(idat)); stride = w * 3; step = 3
    H = h if rows_needed is None else rows_needed; C = stride if cols_needed is None else cols_needed * 3
    out = []; prior = bytearray(C)
    for y in range(H):
        at = y * (stride + 1); k = raw[at]; row = bytearray(raw[at+1:at+1+C])
        if k == 1:
            for x in range(step, C): row[x] = (row[x] + row[x-step]) & 255
        elif k == 2:
            for x in range(C): row[x] = (row[x] + prior[x]) & 255
        elif k == 3:
            for x in range(C): row[x] = (row[x] + (((row[x-step] if x >= step else 0) + prior[x]) >> 1)) & 255
        elif k == 4:
            for x in range(C):
                a = row[x-step] if x >= step else 0; b = prior[x]; cc = prior[x-step] if x >= step else 0
                pa, pb, pc = abs(b-cc), abs(a-cc), abs(a+b-2*cc)
                row[x] = (row[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else cc)) & 255
        out.append(row); prior = row
    return w, h, out
src, crops = sys.argv[1], sys.argv[2]
names = sys.argv[3:] or sorted(os.listdir(crops))
bad = 0
for n in names:
    cw, ch, crow = decode(os.path.join(crops, n))
    d = open(os.path.join(src, n), 'rb').read(33); w, h = struct.unpack('>II', d[16:24])
    x0, y0 = (w - 256) // 2, (h - 256) // 2
    _, _, srow = decode(os.path.join(src, n), y0 + 256, x0 + 256)
    ok = (cw, ch) == (256, 256) and all(crow[y] == srow[y0 + y][x0*3:(x0+256)*3] for y in range(256))
    bad += not ok
    print(n, w, h, x0, y0, "OK" if ok else "MISMATCH", flush=True)
print("mismatches:", bad)
