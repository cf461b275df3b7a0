"""The baseline for bench/dataset-scan.bench.ts: the same metadata as `ctrl-world-flexiv scan`, read with h5py.

For every *.hdf5/*.h5 under DIR (natural order): open it; list the cameras under /observations/images with their
shape, dtype and filters, and the JPEG size from the first frame's SOF header; list the arrays under /observations
and /action; read the root attributes; read every float array to look for NaN/Inf; read /compress_len and check the
JPEG structure (SOI, segments up to SOS, EOI) of 8 frames per JPEG camera (first and last included), or read the
first and last frame of a raw camera. Prints one JSON line: {"episodes": N, "frames": N, "problems": N, "seconds": S},
where seconds is the time spent scanning after imports.
Run with Debian's /usr/bin/python3 (python3-h5py, python3-numpy, python3-hdf5plugin for Blosc/LZ4/Bitshuffle).
"""

import json
import os
import re
import sys
import time

import h5py
import hdf5plugin  # noqa: F401  (registers the Blosc, LZ4, Bitshuffle and Zstd filters with h5py)
import numpy as np

SAMPLES = 8


def natural_key(text):
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text)]


def find_episodes(root):
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "node_modules"]
        found += [os.path.join(folder, f) for f in files if f.lower().endswith((".hdf5", ".h5"))]
    return sorted(found, key=lambda path: natural_key(os.path.relpath(path, root)))


def inspect_jpeg(data):
    """(height, width) from the SOF header after walking the segments to SOS; raises ValueError when malformed."""
    if len(data) < 4 or data[0] != 0xFF or data[1] != 0xD8 or data[-2] != 0xFF or data[-1] != 0xD9:
        raise ValueError("no SOI/EOI")
    offset, size = 2, None
    while offset < len(data):
        if data[offset] != 0xFF:
            raise ValueError("marker expected")
        marker = data[offset + 1]
        offset += 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue
        length = (data[offset] << 8) | data[offset + 1]
        if length < 2 or offset + length > len(data):
            raise ValueError("bad segment length")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            size = ((data[offset + 3] << 8) | data[offset + 4], (data[offset + 5] << 8) | data[offset + 6])
        if marker == 0xDA:
            if size is None:
                raise ValueError("no SOF")
            return size
        offset += length
    raise ValueError("no SOS")


def jpeg_bytes(row, length):
    if length and 4 <= length <= len(row) and row[length - 2] == 0xFF and row[length - 1] == 0xD9:
        return row[:length]
    nonzero = np.flatnonzero(row)
    return row[: nonzero[-1] + 1] if len(nonzero) else row[:0]


def sample_indices(frames, samples):
    if frames <= 0:
        return []
    count = min(frames, samples)
    if count == 1:
        return [0]
    return sorted({round(i * (frames - 1) / (count - 1)) for i in range(count)})


def scan_episode(path):
    summary = {"cameras": [], "arrays": {}, "problems": 0, "frames": 0}
    try:
        f = h5py.File(path, "r")
    except OSError:
        summary["problems"] += 1
        return summary
    with f:
        dict(f.attrs)
        lengths = f["compress_len"][()] if isinstance(f.get("compress_len"), h5py.Dataset) else None
        images = f.get("observations/images")
        for index, name in enumerate(images.keys() if isinstance(images, h5py.Group) else []):
            dataset = images[name]
            camera = {
                "name": name,
                "frames": dataset.shape[0],
                "filter": dataset.compression,
                "dtype": str(dataset.dtype),
            }
            if dataset.ndim == 4:
                camera.update(height=dataset.shape[1], width=dataset.shape[2])
                for i in sample_indices(dataset.shape[0], 2):
                    dataset[i]
            else:
                for i in sample_indices(dataset.shape[0], SAMPLES):
                    length = int(lengths[index][i]) if lengths is not None and index < len(lengths) else None
                    try:
                        height, width = inspect_jpeg(jpeg_bytes(dataset[i], length))
                        if i == 0:
                            camera.update(height=height, width=width)
                    except ValueError:
                        summary["problems"] += 1
            summary["cameras"].append(camera)
        observations = f.get("observations")
        paths = [f"observations/{k}" for k in observations.keys()] if isinstance(observations, h5py.Group) else []
        for key in paths + ["action"]:
            dataset = f.get(key)
            if not isinstance(dataset, h5py.Dataset):
                continue
            summary["arrays"][key.split("/")[-1]] = {
                "shape": dataset.shape,
                "dtype": str(dataset.dtype),
                "filter": dataset.compression,
            }
            if dataset.dtype.kind == "f" and not np.isfinite(dataset[()]).all():
                summary["problems"] += 1
        source = summary["arrays"].get("action") or summary["arrays"].get("qpos")
        summary["frames"] = source["shape"][0] if source else 0
    return summary


def main():
    root = sys.argv[1]
    start = time.perf_counter()
    episodes = [scan_episode(path) for path in find_episodes(root)]
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "episodes": len(episodes),
                "frames": sum(e["frames"] for e in episodes),
                "problems": sum(e["problems"] for e in episodes),
                "seconds": seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
