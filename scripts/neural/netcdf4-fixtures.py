"""Writes the NetCDF 4 (HDF5) Brain-Score assemblies src/neural/assembly.test.ts reads
(src/neural/fixtures/), the way brainio stores a NeuroidAssembly: the MultiIndex coordinates
reset to plain coordinates (`assembly.reset_index(...)`), then `to_netcdf` (NetCDF 4 through
h5netcdf here; brainio's default engine netCDF4 writes the same HDF5 layout).

Every value is a formula of its indices, which the test recomputes:
  assembly-nc4.nc         presentation x neuroid x time_bin, 3 images x 2 repetitions (repetition-
                          major), 4 neuroids, 2 time bins:
                              data[p, n, t] = 100 image + 10 repetition + n + 0.5 t
                          image_id, repetition, object_name on presentation; neuroid_id, region on
                          neuroid; time_bin_start, time_bin_end on time_bin.
  assembly-spatial-nc4.nc presentation x neuroid, 2 images x 3 x 3 positions (position_y,
                          position_x on presentation, in degrees), 3 neuroids, image_id stored
                          as characters [presentation, string5]:
                              data[p, n] = 1000 image + 100 gy + 10 gx + n
  assembly-nc4-noid.nc    the first without image_id (a refusal).
  assembly-nc4-ragged.nc  image img-c presented once, the others twice (a refusal).

Run once: python3 scripts/neural/netcdf4-fixtures.py (numpy, xarray, h5netcdf).
"""
import pathlib

import numpy as np
import xarray as xr

out = pathlib.Path(__file__).resolve().parents[2] / "src" / "neural" / "fixtures"


def write(assembly: xr.DataArray, name: str, encoding: dict | None = None) -> None:
    assembly = assembly.reset_index([d for d in assembly.dims if d in assembly.indexes])
    assembly.to_dataset(name="__xarray_dataarray_variable__").to_netcdf(out / name, engine="h5netcdf", encoding=encoding)
    print(f"wrote {name}")


images, reps, neuroids, bins = ["img-a", "img-b", "img-c"], 2, 4, 2
pres = [(r, i) for r in range(reps) for i in range(len(images))]
values = np.array([[[100 * i + 10 * r + n + 0.5 * t for t in range(bins)] for n in range(neuroids)] for r, i in pres])
assembly = xr.DataArray(
    values,
    dims=("presentation", "neuroid", "time_bin"),
    coords={
        "image_id": ("presentation", [images[i] for _, i in pres]),
        "repetition": ("presentation", np.array([r for r, _ in pres], dtype=np.int64)),
        "object_name": ("presentation", ["face" if i < 2 else "car" for _, i in pres]),
        "neuroid_id": ("neuroid", [f"n{n + 1}" for n in range(neuroids)]),
        "region": ("neuroid", ["IT"] * neuroids),
        "time_bin_start": ("time_bin", [70, 170]),
        "time_bin_end": ("time_bin", [170, 270]),
    },
).set_index(presentation=["image_id", "repetition", "object_name"], neuroid=["neuroid_id", "region"], time_bin=["time_bin_start", "time_bin_end"])
write(assembly, "assembly-nc4.nc")
write(assembly.reset_index("presentation").drop_vars("image_id"), "assembly-nc4-noid.nc")
write(assembly.isel(presentation=[0, 1, 2, 3, 4]), "assembly-nc4-ragged.nc")

grid, sn = 3, 3
sp = [(i, gy, gx) for i in range(2) for gy in range(grid) for gx in range(grid)]
spatial = xr.DataArray(
    np.array([[1000 * i + 100 * gy + 10 * gx + n for n in range(sn)] for i, gy, gx in sp], dtype=np.float32),
    dims=("presentation", "neuroid"),
    coords={
        "image_id": ("presentation", [f"img-{'ab'[i]}" for i, _, _ in sp]),
        "position_y": ("presentation", [2.0 * gy - 2 for _, gy, _ in sp]),
        "position_x": ("presentation", [2.0 * gx - 2 for _, _, gx in sp]),
        "neuroid_id": ("neuroid", [f"n{n + 1}" for n in range(sn)]),
    },
).set_index(presentation=["image_id", "position_y", "position_x"], neuroid=["neuroid_id"])
# image_id as a char array [presentation, string5] (xarray's dtype S1 encoding), the other way
# NetCDF stores strings
write(spatial, "assembly-spatial-nc4.nc", encoding={"image_id": {"dtype": "S1"}})
