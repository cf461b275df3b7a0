"""The latent encoder end to end with a real (tiny, randomly initialised) SVD VAE, on a machine with torch.

Needs torch, diffusers, numpy, h5py and pillow; a GPU when there is one (else it runs on the CPU). No internet, no
weights: the VAE is built here with AutoencoderKLTemporalDecoder's own constructor and saved with save_pretrained.
Run from the repository root, with diffusers' source on PYTHONPATH if it is not installed:
    PYTHONPATH=.device-vendor python3 remote-kit/tests/test_encode_latents_gpu.py     (or: python3 -m pytest <file>)
Checks: shapes (T, 4, 24, 40), float32, the scaling factor 0.18215 applied to the posterior, frames resized exactly
like upstream (torch's bilinear, align_corners=False), one worker per GPU, and that a second run skips done work.
"""

import io
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
KIT = os.path.dirname(HERE)
REPO = os.path.dirname(KIT)
sys.path.insert(0, KIT)
sys.path.insert(0, os.path.join(REPO, "test", "fixtures"))

import torch  # noqa: E402
from diffusers.models import AutoencoderKLTemporalDecoder  # noqa: E402

import encode_latents as enc  # noqa: E402
import flexiv_episodes  # noqa: E402
import torch_pt  # noqa: E402

SCALING = 0.18215
EPISODES = [  # file, spec, stride
    ("jpeg_a.hdf5", {"frames": 10, "height": 48, "width": 64, "seed": 1}, 3),
    ("raw_b.hdf5", {"frames": 7, "height": 30, "width": 40, "seed": 2, "encoding": "raw"}, 1),
    ("vlen_c.hdf5", {"frames": 13, "height": 96, "width": 128, "seed": 3, "jpeg_storage": "vlen"}, 6),
]
CAMERAS = ["cam_high", "cam_left_wrist", "cam_right_wrist"]


def tiny_vae(folder):
    """Four down blocks reduce by 8 like SVD's VAE; the posterior's variance is ~0, so sample() equals its mean."""
    torch.manual_seed(0)
    vae = AutoencoderKLTemporalDecoder(
        down_block_types=("DownEncoderBlock2D",) * 4, block_out_channels=(32, 32, 32, 32), layers_per_block=1
    )
    with torch.no_grad():
        vae.quant_conv.weight[4:].zero_()
        vae.quant_conv.bias[4:].fill_(-30.0)  # logvar clamps at -30: std = exp(-15)
    assert vae.config.scaling_factor == SCALING
    vae.save_pretrained(os.path.join(folder, "vae"))
    return vae.eval()


def bilinear_reference(x, height, width):
    """numpy resize with torch's bilinear, align_corners=False, no antialiasing: what upstream's interpolate does."""

    def axis(size_in, size_out):
        src = np.maximum((np.arange(size_out) + 0.5) * (size_in / size_out) - 0.5, 0)
        low = np.floor(src).astype(int)
        high = np.minimum(low + 1, size_in - 1)
        return low, high, (src - low).astype(np.float64)

    y0, y1, wy = axis(x.shape[2], height)
    x0, x1, wx = axis(x.shape[3], width)
    top = x[:, :, y0][:, :, :, x0] * (1 - wx) + x[:, :, y0][:, :, :, x1] * wx
    bottom = x[:, :, y1][:, :, :, x0] * (1 - wx) + x[:, :, y1][:, :, :, x1] * wx
    return (top * (1 - wy)[:, None] + bottom * wy[:, None]).astype(np.float32)


def write_dataset(root):
    episodes, dataset = os.path.join(root, "episodes"), os.path.join(root, "flexiv_data", "flexiv_1113")
    for index, (file, spec, stride) in enumerate(EPISODES):
        flexiv_episodes.write_episode(episodes, dict(spec, path=file))
        frames = math.ceil(spec["frames"] / stride)
        split = "val" if index == 2 else "train"
        annotation = {
            "episode_id": index,
            "video_length": frames,
            "texts": [""],
            "latent_videos": [{"latent_video_path": "latent_videos/%s/%d/%d.pt" % (split, index, v)} for v in range(3)],
            "source": {
                "file": file,
                "stride": stride,
                "cameras": CAMERAS,
                "height": 192,
                "width": 320,
                "fps": 30,
                "state_stride": 1,
                "state_array": "qpos",
            },
        }
        path = os.path.join(dataset, "annotation", split, "%d.json" % index)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            json.dump(annotation, handle)
    return episodes, dataset


def run_encoder(dataset, episodes, svd, gpus):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH", ""), KIT])))
    result = subprocess.run(
        [
            sys.executable,
            os.path.join(KIT, "encode_latents.py"),
            "--dataset",
            dataset,
            "--episodes",
            episodes,
            "--svd",
            svd,
            "--gpus",
            gpus,
            "--batch",
            "4",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        universal_newlines=True,
        env=env,
        timeout=900,
    )
    events = [
        json.loads(line[len(enc.PROGRESS_PREFIX) :])
        for line in result.stdout.splitlines()
        if line.startswith(enc.PROGRESS_PREFIX)
    ]
    assert result.returncode == 0, "encoder failed (%d): %s\n%s" % (result.returncode, events, result.stderr[-3000:])
    return events


def expected_latents(vae, episode_file, camera, stride, device):
    """The posterior mean times 0.18215 of frames prepared independently (PIL/h5py, numpy scaling and resize)."""
    import h5py
    from PIL import Image

    with h5py.File(episode_file, "r") as f:
        data = f["observations/images/" + camera]
        rows = [data[i] for i in range(0, data.shape[0], stride)]
    frames = np.stack(
        [
            row
            if row.ndim == 3
            else np.asarray(Image.open(io.BytesIO(np.asarray(row, np.uint8).tobytes())).convert("RGB"))
            for row in rows
        ]
    )
    x = bilinear_reference(frames.transpose(0, 3, 1, 2).astype(np.float32) / 255.0 * 2 - 1, 192, 320)
    with torch.no_grad():
        return (vae.to(device).encode(torch.from_numpy(x).to(device)).latent_dist.mean * SCALING).cpu()


def test_resize_matches_torch_bilinear():
    x = np.random.default_rng(0).uniform(-1, 1, (2, 3, 48, 64)).astype(np.float32)
    torch_result = torch.nn.functional.interpolate(
        torch.from_numpy(x), size=(192, 320), mode="bilinear", align_corners=False
    ).numpy()
    np.testing.assert_allclose(bilinear_reference(x, 192, 320), torch_result, atol=1e-5)


def test_fixture_tensor_files_load_in_torch():
    folder = tempfile.mkdtemp()
    try:
        values = np.random.default_rng(1).standard_normal((3, 4, 24, 40))
        path = torch_pt.write_tensor(os.path.join(folder, "0.pt"), values)
        loaded = torch.load(path)
        assert tuple(loaded.shape) == (3, 4, 24, 40) and loaded.dtype == torch.float32
        np.testing.assert_allclose(loaded.numpy(), values.astype(np.float32))
        torch.save(torch.zeros(2, 4, 24, 40), os.path.join(folder, "1.pt"))
        assert enc.latent_info(os.path.join(folder, "1.pt")) == ((2, 4, 24, 40), "float32")
    finally:
        shutil.rmtree(folder)


def test_encoder_end_to_end_and_resume():
    root = tempfile.mkdtemp()
    try:
        svd = os.path.join(root, "svd")
        vae = tiny_vae(svd)
        episodes, dataset = write_dataset(root)
        count = torch.cuda.device_count()
        gpus = ",".join(str(i) for i in range(min(count, 2))) if count else "cpu"
        device = "cuda:0" if count else "cpu"

        events = run_encoder(dataset, episodes, svd, gpus)
        assert events[0]["event"] == "start" and events[0]["todo"] == 3 and events[0]["done"] == 0, events[0]
        done = [e for e in events if e["event"] == "episode"]
        assert sorted(e["id"] for e in done) == ["0", "1", "2"] and all(
            e["status"] == "encoded" and e["views"] == 3 for e in done
        ), done
        assert events[-1] == {"event": "end", "encoded": 3, "failed": 0, "skipped": 0}, events[-1]
        if count >= 2:
            assert len({e["device"] for e in done}) == 2, "both GPUs took episodes: %s" % done

        for index, (file, spec, stride) in enumerate(EPISODES):
            split = "val" if index == 2 else "train"
            for view, camera in enumerate(CAMERAS):
                latents = torch.load(os.path.join(dataset, "latent_videos", split, str(index), "%d.pt" % view))
                assert tuple(latents.shape) == (math.ceil(spec["frames"] / stride), 4, 24, 40), latents.shape
                assert latents.dtype == torch.float32 and latents.device.type == "cpu"
                expected = expected_latents(vae, os.path.join(episodes, file), camera, stride, device)
                scale = float(expected.abs().max())
                assert torch.allclose(latents, expected, atol=2e-3 * scale, rtol=0), (
                    file,
                    camera,
                    float((latents - expected).abs().max()),
                    scale,
                )
                unscaled = expected / SCALING
                ratio = float((latents * unscaled).sum() / (unscaled * unscaled).sum())
                assert abs(ratio - SCALING) < 1e-3 * SCALING, "scaling factor %f" % ratio

        outputs = [os.path.join(dataset, "latent_videos", "train", "0", "%d.pt" % v) for v in range(3)]
        stamps = {path: os.stat(path).st_mtime_ns for path in outputs}
        again = run_encoder(dataset, episodes, svd, gpus)
        assert (
            again[0]["todo"] == 0
            and again[0]["done"] == 3
            and again[-1] == {"event": "end", "encoded": 0, "failed": 0, "skipped": 3}
        ), again
        assert stamps == {path: os.stat(path).st_mtime_ns for path in outputs}, "finished latents are not rewritten"

        os.remove(outputs[1])
        with open(outputs[2], "wb") as handle:
            handle.write(b"half a file")
        third = run_encoder(dataset, episodes, svd, gpus)
        assert third[0]["todo"] == 1 and third[-1] == {"event": "end", "encoded": 1, "failed": 0, "skipped": 2}, third
        assert os.stat(outputs[0]).st_mtime_ns == stamps[outputs[0]], "the valid view of a redone episode is kept"
        assert all(enc.view_done(path, 4, 192, 320) for path in outputs)
        assert not [n for n in os.listdir(os.path.dirname(outputs[0])) if n.endswith(".tmp")]
        assert not os.path.exists(os.path.join(dataset, enc.LOCK_FILE))
    finally:
        shutil.rmtree(root)


if __name__ == "__main__":
    for name, test in sorted(globals().items()):
        if name.startswith("test_") and callable(test):
            test()
            print("ok", name)
    print("3 passed, 0 failed")
