"""Writes the small files src/neural/recordings.test.ts imports (src/neural/fixtures/):
imageRF in the published recordings' layout [x, y, time, channel, image] as MATLAB Level 5
(plain and compressed, scipy.io.savemat) and MATLAB 7.3 (HDF5 with MATLAB's 512-byte user block,
h5py), and an .npy R[image, gy, gx, neuron] with its JSON sidecar.

Every value is a formula of its indices, which the test recomputes:
    imageRF[x, y, t, c, i] = x + 10 y + 100 t + 1000 c + 10000 i
    R[i, gy, gx, n] = i + 0.5 gy + 0.25 gx + 0.125 n  (float32)

Run once (numpy, scipy, h5py): python3 scripts/neural/import-fixtures.py
"""
import json
import pathlib

import h5py
import numpy as np
import scipy.io

out = pathlib.Path(__file__).resolve().parents[2] / "src" / "neural" / "fixtures"
X, Y, T, C, I = 3, 3, 5, 2, 2
x, y, t, c, i = np.meshgrid(*[np.arange(n) for n in (X, Y, T, C, I)], indexing="ij")
rf = (x + 10 * y + 100 * t + 1000 * c + 10000 * i).astype(np.float64)
names = np.array([["face-1.png"], ["face-2.png"]], dtype=object)

scipy.io.savemat(out / "imagerf-v5.mat", {"imageRF": rf, "UniqueNames": names}, do_compression=False)
scipy.io.savemat(out / "imagerf-v5z.mat", {"imageRF": rf.astype(np.float32), "UniqueNames": names}, do_compression=True)

# MATLAB 7.3: an HDF5 file with a 512-byte user block that starts with MATLAB's text header;
# MATLAB writes arrays column-major, so HDF5 sees the dimensions reversed.
path73 = out / "imagerf-v73.mat"
with h5py.File(path73, "w", userblock_size=512) as f:
    d = f.create_dataset("imageRF", data=rf.T)
    d.attrs["MATLAB_class"] = np.bytes_("double")
header = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Dec  1 00:00:00 2026 HDF5 schema 1.00 ."
with open(path73, "r+b") as f:
    f.write(header.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02" + b"IM")

gi, gy, gx, n = np.meshgrid(np.arange(2), np.arange(3), np.arange(3), np.arange(4), indexing="ij")
R = (gi + 0.5 * gy + 0.25 * gx + 0.125 * n).astype(np.float32)
np.save(out / "responses.npy", R)
(out / "responses.json").write_text(json.dumps({
    "images": ["face-1.png", "face-2.png"],
    "grid": 3,
    "area": "ML",
    "time_window_ms": [130, 170],
    "neurons": ["n1", "n2", "n3", "n4"],
}, indent=2) + "\n")
print(f"wrote the fixtures in {out}")

# A Brain-Score-style assembly (presentation x neuroid) in NetCDF 3 (scipy writes the classic
# format, the one netcdfjs reads): 3 images x 2 repetitions, 4 neuroids, with image_id,
# repetition and object_name on the presentation dimension. Presentations run repetition-major:
#     data[p, n] = 100 image + 10 repetition + n,  p = repetition * 3 + image
def chars(values, width):
    out = np.zeros((len(values), width), dtype="S1")
    for i, v in enumerate(values):
        for j, ch in enumerate(v.encode()):
            out[i, j] = bytes([ch])
    return out

images, reps, neuroids = ["img-a", "img-b", "img-c"], 2, 4
pres = [(r, i) for r in range(reps) for i in range(len(images))]
with scipy.io.netcdf_file(out / "assembly.nc", "w") as f:
    f.createDimension("presentation", len(pres))
    f.createDimension("neuroid", neuroids)
    f.createDimension("strlen", 8)
    data = f.createVariable("data", "d", ("presentation", "neuroid"))
    data[:] = np.array([[100 * i + 10 * r + n for n in range(neuroids)] for r, i in pres], dtype=np.float64)
    f.createVariable("image_id", "c", ("presentation", "strlen"))[:] = chars([images[i] for _, i in pres], 8)
    f.createVariable("object_name", "c", ("presentation", "strlen"))[:] = chars(["face" if i < 2 else "car" for _, i in pres], 8)
    f.createVariable("repetition", "i", ("presentation",))[:] = np.array([r for r, _ in pres], dtype=np.int32)
print("wrote assembly.nc")
