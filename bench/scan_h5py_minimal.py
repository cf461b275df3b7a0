"""The minimal reference for bench/dataset-scan.bench.ts: what `ctrl-world-flexiv scan --samples 3` must at least do.

For every *.hdf5/*.h5 under DIR: open it, read the metadata (cameras, arrays, shapes, root attributes), read 3 frames
of each camera (first, middle, last), and read every float array whole to look for NaN/Inf. Nothing else: no JPEG
structure walk, no compress_len. Prints one JSON line: {"episodes": N, "frames": N, "problems": N}.
Run with Debian's /usr/bin/python3 (python3-h5py, python3-numpy).
"""

import json
import os
import sys

import h5py
import numpy as np


def find_episodes(root):
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [os.path.join(folder, f) for f in files if f.lower().endswith((".hdf5", ".h5"))]
    return sorted(found)


def scan_episode(path):
    problems = 0
    try:
        f = h5py.File(path, "r")
    except OSError:
        return 0, 1
    with f:
        dict(f.attrs)
        images = f.get("observations/images")
        for name in images.keys() if isinstance(images, h5py.Group) else []:
            camera = images[name]
            frames = camera.shape[0]
            for index in sorted({0, frames // 2, frames - 1}) if frames else []:
                camera[index]
        observations = f.get("observations")
        keys = [f"observations/{k}" for k in observations.keys()] if isinstance(observations, h5py.Group) else []
        length = 0
        for key in keys + ["action"]:
            dataset = f.get(key)
            if not isinstance(dataset, h5py.Dataset):
                continue
            if key in ("action", "observations/qpos") and not length:
                length = dataset.shape[0]
            if dataset.dtype.kind == "f" and not np.isfinite(dataset[()]).all():
                problems += 1
    return length, problems


def main():
    results = [scan_episode(path) for path in find_episodes(sys.argv[1])]
    print(
        json.dumps(
            {
                "episodes": len(results),
                "frames": sum(frames for frames, _ in results),
                "problems": sum(problems for _, problems in results),
            }
        )
    )


if __name__ == "__main__":
    main()
