#!/usr/bin/env python3
"""Ctrl-World Flexiv's latent encoder: SVD-VAE latents for a converted dataset, run in the Ctrl-World environment.

For every annotation under <dataset>/annotation/{train,val}/ it reads the episode named by the annotation's
"source" (an HDF5 file under --episodes, read with h5py), keeps every `stride`-th frame of each view's camera,
scales it to [-1, 1], resizes it to HEIGHTxWIDTH (bilinear, align_corners=False) and encodes it in batches with
diffusers' AutoencoderKLTemporalDecoder from <svd>/vae: latent_dist.sample() * scaling_factor, saved as a float32
(T, 4, HEIGHT/8, WIDTH/8) tensor at the annotation's latent_video_path, atomically. This is upstream Ctrl-World's
dataset_example/extract_latent.py, fed from HDF5 instead of MP4.

Resumable: a view whose file already holds a tensor of the right shape and dtype is not encoded again. One worker
process per GPU takes episodes from a shared queue. Progress goes to stdout, one line per event:
    CWF-ENCODE {"event": "process" | "start" | "episode" | "end" | "error", ...}
Frame preparation and file bookkeeping import without torch (tests run them with numpy alone).
"""

import argparse
import io
import json
import os
import queue as queue_module
import socket
import sys
import time

from latent_file import latent_verdict

PROGRESS_PREFIX = "CWF-ENCODE "
LATENT_CHANNELS = 4
VAE_FACTOR = 8
LOCK_FILE = ".encode.lock"


# ---------------------------------------------------------------- progress


def emit(event, **fields):
    """One machine-readable progress line; the extension parses these and ignores everything else."""
    fields["event"] = event
    sys.stdout.write(PROGRESS_PREFIX + json.dumps(fields, sort_keys=True) + "\n")
    sys.stdout.flush()


class EncodeError(Exception):
    """A failure the user can act on; `code` is stable for the extension."""

    def __init__(self, code, message):
        Exception.__init__(self, message)
        self.code = code


# ---------------------------------------------------------------- tasks (file bookkeeping)


def latent_shape(frames, height, width):
    return (frames, LATENT_CHANNELS, height // VAE_FACTOR, width // VAE_FACTOR)


def inside(root, relative, where):
    """root/relative when it stays inside root; annotations are data, so an absolute or climbing path is refused."""
    bad = (
        not isinstance(relative, str) or not relative or "\0" in relative or "\\" in relative or os.path.isabs(relative)
    )
    full = os.path.normpath(os.path.join(root, relative)) if not bad else ""
    top = os.path.normpath(root)
    if bad or os.path.commonpath([top, full]) != top or full == top:
        raise EncodeError(
            "path-outside-root",
            "%s names the path %r, which is not inside %s; nothing was written. "
            "Convert the dataset again." % (where, relative, root),
        )
    return full


def load_tasks(dataset_dir, episodes_dir, splits=("train", "val")):
    """One task per annotation: the source episode, its view cameras, stride and the latent file of each view."""
    tasks = []
    for split in splits:
        folder = os.path.join(dataset_dir, "annotation", split)
        if not os.path.isdir(folder):
            continue
        names = sorted((n for n in os.listdir(folder) if n.endswith(".json")), key=lambda n: (len(n), n))
        for name in names:
            path = os.path.join(folder, name)
            try:
                with open(path) as handle:
                    annotation = json.load(handle)
                source = annotation["source"]
                tasks.append(
                    {
                        "id": str(annotation["episode_id"]),
                        "split": split,
                        "annotation": path,
                        "episode": inside(episodes_dir, source["file"], path),
                        "cameras": list(source["cameras"]),
                        # Annotations written before the order was recorded took raw frames as RGB.
                        "raw_color_order": source.get("raw_color_order", "rgb"),
                        "stride": int(source["stride"]),
                        "frames": int(annotation["video_length"]),
                        "height": int(source.get("height", 192)),
                        "width": int(source.get("width", 320)),
                        "outputs": [
                            inside(dataset_dir, entry["latent_video_path"], path)
                            for entry in annotation["latent_videos"]
                        ],
                    }
                )
            except (OSError, ValueError, KeyError, TypeError) as error:
                raise EncodeError(
                    "bad-annotation",
                    "%s cannot be used (%s: %s); convert the dataset again." % (path, type(error).__name__, error),
                )
    return tasks


def latent_info(path):
    """(shape, dtype) of a tensor file written by torch.save, or None when it is missing or not one tensor."""
    verdict = latent_verdict(path)
    return (tuple(verdict["shape"]), verdict["dtype"]) if verdict["ok"] else None


def view_done(path, frames, height, width):
    return latent_info(path) == (latent_shape(frames, height, width), "float32")


def task_done(task):
    return all(view_done(path, task["frames"], task["height"], task["width"]) for path in task["outputs"])


def atomic_save(path, write):
    """write(temp_path) then rename over `path`: readers see the old file or the whole new one, never half."""
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    temp = os.path.join(folder, ".%s.%d.tmp" % (os.path.basename(path), os.getpid()))
    try:
        write(temp)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.remove(temp)


def acquire_lock(dataset_dir):
    """One encoder per dataset: a second one would redo the same episodes on other GPUs."""
    path = os.path.join(dataset_dir, LOCK_FILE)
    try:
        with open(path) as handle:
            owner = json.load(handle)
        if owner.get("host") == socket.gethostname() and _alive(int(owner.get("pid", 0))):
            raise EncodeError(
                "busy",
                "Another encoder (pid %s) is working on %s; wait for it or stop it first."
                % (owner["pid"], dataset_dir),
            )
    except (OSError, ValueError):
        pass
    atomic_save(path, lambda temp: _write_text(temp, json.dumps({"pid": os.getpid(), "host": socket.gethostname()})))
    return path


def _alive(pid):
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def _write_text(path, text):
    with open(path, "w") as handle:
        handle.write(text)


# ---------------------------------------------------------------- frames (numpy only)


def frame_indices(count, stride):
    """The recorded frames a video keeps: 0, stride, 2 x stride, … (upstream's frames[::stride])."""
    return list(range(0, count, stride))


def camera_dataset(h5file, camera):
    path = "observations/images/" + camera
    if path not in h5file:
        raise EncodeError("no-camera", "%s has no camera %s." % (h5file.filename, camera))
    return h5file[path]


def decode_frames(dataset, indices, raw_color_order="rgb"):
    """uint8 (N, H, W, 3) RGB frames: raw (T, H, W, 3) rows (BGR ones reversed), or JPEG bytes per frame."""
    import numpy as np

    if dataset.ndim == 4:
        frames = np.stack([dataset[i] for i in indices]).astype(np.uint8, copy=False)
        return np.ascontiguousarray(frames[..., ::-1]) if raw_color_order == "bgr" else frames
    from PIL import Image

    frames = []
    for i in indices:
        data = np.asarray(dataset[i], dtype=np.uint8).tobytes()
        try:
            frames.append(np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.uint8))
        except Exception as error:
            raise EncodeError("bad-frame", "frame %d of %s cannot be decoded (%s)." % (i, dataset.name, error))
    if len({frame.shape for frame in frames}) > 1:
        raise EncodeError("bad-frame", "frames of %s change size within the episode." % dataset.name)
    return np.stack(frames)


def to_model_range(frames):
    """uint8 (N, H, W, 3) → float32 (N, 3, H, W) in [-1, 1], as upstream: x / 255.0 * 2 - 1."""
    import numpy as np

    x = np.ascontiguousarray(frames.transpose(0, 3, 1, 2)).astype(np.float32)
    return x / np.float32(255.0) * np.float32(2) - np.float32(1)


def chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---------------------------------------------------------------- encoding (torch from here on)


def load_vae(svd_path, device):
    import torch
    from diffusers.models import AutoencoderKLTemporalDecoder

    vae = AutoencoderKLTemporalDecoder.from_pretrained(svd_path, subfolder="vae").to(device)
    vae.eval()
    vae.requires_grad_(False)
    return vae, torch


def encode_view(vae, torch, dataset, indices, height, width, batch, device, raw_color_order="rgb"):
    """float32 (T, 4, height/8, width/8) latents of the frames `indices` of one camera, `batch` frames at a time."""
    import torch.nn.functional as functional

    latents = []
    with torch.no_grad():
        for part in chunks(indices, batch):
            x = torch.from_numpy(to_model_range(decode_frames(dataset, part, raw_color_order))).to(device)
            x = functional.interpolate(x, size=(height, width), mode="bilinear", align_corners=False)
            latents.append(
                vae.encode(x.to(vae.dtype)).latent_dist.sample().mul_(vae.config.scaling_factor).float().cpu()
            )
    return torch.cat(latents, dim=0).contiguous()


def encode_task(vae, torch, task, batch, device):
    import h5py

    try:
        import hdf5plugin  # noqa: F401  (Blosc, LZ4, Zstandard, Bitshuffle filters, when installed)
    except ImportError:
        pass
    if not os.path.isfile(task["episode"]):
        raise EncodeError(
            "no-episode", "%s does not exist; upload the episodes or point --episodes at them." % task["episode"]
        )
    encoded = 0
    with h5py.File(task["episode"], "r") as h5file:
        for camera, output in zip(task["cameras"], task["outputs"]):
            if view_done(output, task["frames"], task["height"], task["width"]):
                continue
            dataset = camera_dataset(h5file, camera)
            indices = frame_indices(dataset.shape[0], task["stride"])
            if len(indices) != task["frames"]:
                raise EncodeError(
                    "length-mismatch",
                    "%s: camera %s gives %d frames at stride %d, the annotation says %d; convert the dataset again."
                    % (task["episode"], camera, len(indices), task["stride"], task["frames"]),
                )
            latents = encode_view(
                vae, torch, dataset, indices, task["height"], task["width"], batch, device, task["raw_color_order"]
            )
            expected = latent_shape(task["frames"], task["height"], task["width"])
            if tuple(latents.shape) != expected or latents.dtype != torch.float32:
                raise EncodeError(
                    "bad-latent",
                    "the VAE gave %s %s, expected %s float32." % (tuple(latents.shape), latents.dtype, expected),
                )
            atomic_save(output, lambda temp: torch.save(latents, temp))
            if not view_done(output, task["frames"], task["height"], task["width"]):
                raise EncodeError("bad-latent", "%s does not read back as a %s float32 tensor." % (output, expected))
            encoded += 1
    return encoded


def worker(device, svd_path, batch, tasks, results):
    """One process per GPU: load the VAE once, then take episodes until the queue is empty."""
    try:
        vae, torch = load_vae(svd_path, device)
    except Exception as error:  # a missing module or model is fatal for every episode: say it once
        results.put(
            {
                "fatal": True,
                "code": "load-failed",
                "message": "%s: %s" % (type(error).__name__, error),
                "device": device,
            }
        )
        return
    while True:
        try:
            task = tasks.get_nowait()
        except queue_module.Empty:
            results.put({"worker_done": True, "worker": multiprocessing_name()})
            return
        started = time.time()
        try:
            views = encode_task(vae, torch, task, batch, device)
            results.put(
                {
                    "id": task["id"],
                    "split": task["split"],
                    "status": "encoded",
                    "views": views,
                    "frames": task["frames"],
                    "seconds": round(time.time() - started, 3),
                    "device": device,
                }
            )
        except EncodeError as error:
            results.put(
                {
                    "id": task["id"],
                    "split": task["split"],
                    "status": "failed",
                    "code": error.code,
                    "reason": str(error),
                    "device": device,
                }
            )
        except Exception as error:
            results.put(
                {
                    "id": task["id"],
                    "split": task["split"],
                    "status": "failed",
                    "code": "error",
                    "reason": "%s: %s" % (type(error).__name__, error),
                    "device": device,
                }
            )


def multiprocessing_name():
    import multiprocessing

    return multiprocessing.current_process().name


def devices(gpus):
    if gpus in ("", "cpu"):
        return ["cpu"]
    return ["cuda:%d" % int(gpu) for gpu in gpus.split(",")]


def importlib_spec(name):
    import importlib.util

    return importlib.util.find_spec(name)


def check_modules():
    """The modules the encoder needs, checked before any GPU is touched (torch and diffusers are found, not imported)."""
    missing = [name for name in ("numpy", "h5py", "PIL", "torch", "diffusers") if importlib_spec(name) is None]
    if missing:
        packages = " ".join({"PIL": "pillow"}.get(name, name) for name in missing)
        raise EncodeError(
            "missing-module",
            "%s not installed in this Python environment (%s); run: pip install %s"
            % (", ".join(missing) + (" is" if len(missing) == 1 else " are"), sys.executable, packages),
        )


def run(args):
    dataset_dir = os.path.abspath(args.dataset)
    if not os.path.isdir(os.path.join(dataset_dir, "annotation")):
        raise EncodeError(
            "no-dataset",
            "%s has no annotation folder; convert the dataset (metadata) and upload it first." % dataset_dir,
        )
    if not os.path.isdir(os.path.join(args.svd, "vae")):
        raise EncodeError("no-vae", "%s has no vae/ folder; point --svd at stable-video-diffusion-img2vid." % args.svd)
    check_modules()
    tasks = load_tasks(dataset_dir, os.path.abspath(args.episodes))
    todo = [task for task in tasks if not task_done(task)]
    chosen = devices(args.gpus)
    emit("start", episodes=len(tasks), todo=len(todo), done=len(tasks) - len(todo), devices=chosen)
    counts = {"encoded": 0, "failed": 0, "skipped": len(tasks) - len(todo)}
    if not todo:
        emit("end", **counts)
        return 0
    lock = acquire_lock(dataset_dir)
    try:
        import multiprocessing

        context = multiprocessing.get_context("spawn")  # CUDA cannot be used in forked children
        task_queue, results = context.Queue(), context.Queue()
        for task in todo:
            task_queue.put(task)
        workers = [
            context.Process(target=worker, args=(device, args.svd, args.batch, task_queue, results), daemon=True)
            for device in chosen[: len(todo)]
        ]
        for process in workers:
            process.start()
        finished, reported = set(), 0
        while len(finished) < len(workers):
            try:
                message = results.get(timeout=5)
            except queue_module.Empty:
                for process in workers:
                    if not process.is_alive() and process.exitcode != 0 and process.name not in finished:
                        finished.add(process.name)
                        emit(
                            "error",
                            code="worker-died",
                            message="the worker process %s ended with status %s (out of memory?); its episode stays to do."
                            % (process.name, process.exitcode),
                        )
                continue
            if message.get("fatal"):
                raise EncodeError(
                    message["code"], "The VAE could not be loaded on %s: %s" % (message["device"], message["message"])
                )
            if message.get("worker_done"):
                finished.add(message["worker"])
                continue
            reported += 1
            counts[message["status"]] += 1
            emit("episode", done=reported, total=len(todo), **message)
        for process in workers:
            process.join()
    finally:
        if os.path.exists(lock):
            os.remove(lock)
    emit("end", **counts)
    return 1 if counts["failed"] else 0


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Encode SVD-VAE latents for a converted Ctrl-World dataset.")
    parser.add_argument(
        "--dataset", required=True, help="the converted dataset folder: <dataset_root_path>/<dataset_name>"
    )
    parser.add_argument(
        "--episodes", required=True, help="the folder of HDF5 episodes the annotations' source.file is relative to"
    )
    parser.add_argument("--svd", required=True, help="the stable-video-diffusion-img2vid folder (its vae/ is loaded)")
    parser.add_argument("--gpus", default="0", help="comma-separated GPU indices, one worker each; 'cpu' for the CPU")
    parser.add_argument("--batch", type=int, default=64, help="frames per VAE call (upstream: 64)")
    parser.add_argument(
        "--new-session",
        action="store_true",
        help="run in a process group of its own and say its id first, so that a remote caller can stop every worker",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.new_session:
        try:
            os.setsid()
        except OSError:
            pass  # already the leader of its own session
        emit("process", pgid=os.getpgrp(), pid=os.getpid())
    try:
        return run(args)
    except EncodeError as error:
        emit("error", code=error.code, message=str(error))
        return 2


if __name__ == "__main__":
    sys.exit(main())
