"""The latent encoder's torch-free parts: frame decoding and scaling, task bookkeeping, resume checks, the lock.

Runs with Debian's /usr/bin/python3 (numpy, h5py, PIL): python3 -m unittest discover -s remote-kit/tests -p 'test_encode_latents.py'
The VAE itself is tested by test_encode_latents_gpu.py on a machine with torch and diffusers.
"""

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "test", "fixtures"))

import encode_latents as enc  # noqa: E402
import flexiv_episodes  # noqa: E402
import torch_pt  # noqa: E402


def write_annotation(
    dataset, split, episode_id, source_file, frames, stride=3, cameras=("cam_high", "cam_left_wrist", "cam_right_wrist")
):
    annotation = {
        "episode_id": episode_id,
        "video_length": frames,
        "texts": ["t"],
        "latent_videos": [
            {"latent_video_path": "latent_videos/%s/%d/%d.pt" % (split, episode_id, v)} for v in range(3)
        ],
        "source": {
            "file": source_file,
            "stride": stride,
            "cameras": list(cameras),
            "height": 192,
            "width": 320,
            "fps": 30,
            "state_stride": 1,
            "state_array": "qpos",
        },
    }
    path = os.path.join(dataset, "annotation", split, "%d.json" % episode_id)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        json.dump(annotation, handle)
    return path


class FramesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp()
        base = {"frames": 7, "height": 24, "width": 32, "seed": 2}
        for name, extra in [
            ("raw", {"encoding": "raw"}),
            ("jpeg", {}),
            ("vlen", {"jpeg_storage": "vlen"}),
            ("gzip", {"encoding": "raw", "compression": "gzip"}),
        ]:
            flexiv_episodes.write_episode(cls.dir, dict(base, path=name + ".hdf5", **extra))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def frames(self, name, indices):
        with h5py.File(os.path.join(self.dir, name + ".hdf5"), "r") as f:
            return enc.decode_frames(enc.camera_dataset(f, "cam_left_wrist"), indices)

    def test_frame_indices_keep_every_stride_th_frame_like_upstream(self):
        self.assertEqual(enc.frame_indices(10, 3), list(range(10))[::3])
        self.assertEqual(enc.frame_indices(12, 6), [0, 6])
        self.assertEqual(enc.frame_indices(1, 6), [0])

    def test_raw_frames_come_back_as_stored(self):
        with h5py.File(os.path.join(self.dir, "raw.hdf5"), "r") as f:
            stored = f["observations/images/cam_left_wrist"][()]
        for name in ("raw", "gzip"):
            frames = self.frames(name, [0, 3, 6])
            self.assertEqual(frames.dtype, np.uint8)
            np.testing.assert_array_equal(frames, stored[[0, 3, 6]])

    def test_bgr_raw_frames_are_reversed_to_rgb_and_jpeg_frames_are_not(self):
        with h5py.File(os.path.join(self.dir, "raw.hdf5"), "r") as f:
            stored = f["observations/images/cam_left_wrist"][()]
            bgr = enc.decode_frames(enc.camera_dataset(f, "cam_left_wrist"), [0, 3], "bgr")
        np.testing.assert_array_equal(bgr, stored[[0, 3]][..., ::-1])
        with h5py.File(os.path.join(self.dir, "jpeg.hdf5"), "r") as f:
            dataset = enc.camera_dataset(f, "cam_left_wrist")
            np.testing.assert_array_equal(enc.decode_frames(dataset, [1], "bgr"), enc.decode_frames(dataset, [1]))

    def test_jpeg_frames_decode_to_rgb_whether_padded_or_vlen(self):
        with h5py.File(os.path.join(self.dir, "jpeg.hdf5"), "r") as f:
            row = f["observations/images/cam_left_wrist"][3]
        expected = np.asarray(Image.open(io.BytesIO(row.tobytes())).convert("RGB"))
        for name in ("jpeg", "vlen"):
            frames = self.frames(name, [3])
            self.assertEqual(frames.shape, (1, 24, 32, 3))
            np.testing.assert_array_equal(frames[0], expected)

    def test_a_missing_camera_is_a_clear_error(self):
        with h5py.File(os.path.join(self.dir, "raw.hdf5"), "r") as f:
            with self.assertRaises(enc.EncodeError) as caught:
                enc.camera_dataset(f, "cam_top")
        self.assertEqual(caught.exception.code, "no-camera")

    def test_frames_scale_to_minus_one_one_in_nchw_float32(self):
        frames = np.zeros((2, 3, 4, 3), dtype=np.uint8)
        frames[0, :, :, 0] = 255
        frames[1, 1, 2, 2] = 128
        x = enc.to_model_range(frames)
        self.assertEqual(x.dtype, np.float32)
        self.assertEqual(x.shape, (2, 3, 3, 4))
        self.assertTrue(np.all(x[0, 0] == 1.0))
        self.assertTrue(np.all(x[0, 1] == -1.0))
        expected = np.float32(128) / np.float32(255.0) * np.float32(2) - np.float32(1)
        self.assertEqual(x[1, 2, 1, 2], expected)
        self.assertAlmostEqual(float(x[1, 2, 1, 2]), 128 / 255 * 2 - 1, places=6)

    def test_batches_cover_every_frame_once_in_order(self):
        parts = list(enc.chunks(list(range(130)), 64))
        self.assertEqual([len(p) for p in parts], [64, 64, 2])
        self.assertEqual(sum(parts, []), list(range(130)))


class BookkeepingTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.dataset = os.path.join(self.dir, "flexiv_data", "flexiv_1113")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_tasks_follow_the_annotations_in_episode_order(self):
        write_annotation(self.dataset, "train", 10, "episode_10.hdf5", 4)
        write_annotation(self.dataset, "train", 2, "sub/episode_2.hdf5", 5, stride=6)
        write_annotation(self.dataset, "val", 7, "episode_7.hdf5", 3)
        tasks = enc.load_tasks(self.dataset, "/data/raw")
        self.assertEqual([(t["split"], t["id"]) for t in tasks], [("train", "2"), ("train", "10"), ("val", "7")])
        first = tasks[0]
        self.assertEqual(first["episode"], "/data/raw/sub/episode_2.hdf5")
        self.assertEqual(first["stride"], 6)
        self.assertEqual(first["frames"], 5)
        self.assertEqual(first["outputs"][2], os.path.join(self.dataset, "latent_videos/train/2/2.pt"))

    def test_an_annotation_without_source_is_refused_by_name(self):
        path = os.path.join(self.dataset, "annotation", "train", "0.json")
        os.makedirs(os.path.dirname(path))
        with open(path, "w") as handle:
            json.dump({"episode_id": 0}, handle)
        with self.assertRaises(enc.EncodeError) as caught:
            enc.load_tasks(self.dataset, "/data/raw")
        self.assertEqual(caught.exception.code, "bad-annotation")
        self.assertIn("0.json", str(caught.exception))

    def test_paths_that_leave_the_dataset_or_episodes_folder_are_refused(self):
        victim = os.path.join(self.dir, "victim.pt")
        for field, value in [
            ("latent", victim),
            ("latent", "../victim.pt"),
            ("latent", "latent_videos/../../victim.pt"),
            ("latent", ""),
            ("source", "../../etc/passwd"),
            ("source", "/etc/passwd"),
        ]:
            path = write_annotation(self.dataset, "train", 0, "episode_0.hdf5", 4)
            with open(path) as handle:
                annotation = json.load(handle)
            if field == "latent":
                annotation["latent_videos"][1]["latent_video_path"] = value
            else:
                annotation["source"]["file"] = value
            with open(path, "w") as handle:
                json.dump(annotation, handle)
            with self.assertRaises(enc.EncodeError, msg=value) as caught:
                enc.load_tasks(self.dataset, "/data/raw")
            self.assertEqual(caught.exception.code, "path-outside-root")
            self.assertIn(repr(value), str(caught.exception))
        self.assertFalse(os.path.exists(victim))

    def test_resume_accepts_only_whole_float32_tensors_of_the_right_shape(self):
        write_annotation(self.dataset, "train", 0, "episode_0.hdf5", 5)
        task = enc.load_tasks(self.dataset, "/data/raw")[0]
        self.assertFalse(enc.task_done(task))
        good = np.zeros((5, 4, 24, 40))
        for path in task["outputs"]:
            torch_pt.write_tensor(path, good)
        self.assertTrue(enc.task_done(task))
        self.assertEqual(enc.latent_info(task["outputs"][0]), ((5, 4, 24, 40), "float32"))
        torch_pt.write_tensor(task["outputs"][1], np.zeros((4, 4, 24, 40)))
        self.assertFalse(enc.task_done(task), "too few frames")
        torch_pt.write_tensor(task["outputs"][1], good, dtype="float16")
        self.assertFalse(enc.task_done(task), "float16")
        torch_pt.write_tensor(task["outputs"][1], good, truncate_data=True)
        self.assertFalse(enc.task_done(task), "truncated data")
        with open(task["outputs"][1], "wb") as handle:
            handle.write(b"garbage")
        self.assertFalse(enc.task_done(task), "not a zip")

    def test_atomic_save_replaces_whole_files_and_leaves_no_temp_behind(self):
        target = os.path.join(self.dir, "out", "0.pt")
        enc.atomic_save(target, lambda temp: enc._write_text(temp, "first"))

        def fail(temp):
            enc._write_text(temp, "half")
            raise RuntimeError("disk full")

        with self.assertRaises(RuntimeError):
            enc.atomic_save(target, fail)
        with open(target) as handle:
            self.assertEqual(handle.read(), "first")
        self.assertEqual(os.listdir(os.path.dirname(target)), ["0.pt"])

    def test_a_live_encoder_holds_the_lock_a_dead_one_does_not(self):
        os.makedirs(self.dataset)
        sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        try:
            enc._write_text(
                os.path.join(self.dataset, enc.LOCK_FILE),
                json.dumps({"pid": sleeper.pid, "host": enc.socket.gethostname()}),
            )
            with self.assertRaises(enc.EncodeError) as caught:
                enc.acquire_lock(self.dataset)
            self.assertEqual(caught.exception.code, "busy")
        finally:
            sleeper.kill()
            sleeper.wait()
        self.assertTrue(enc.acquire_lock(self.dataset).endswith(enc.LOCK_FILE))

    def test_devices_one_worker_per_gpu(self):
        self.assertEqual(enc.devices("0,3"), ["cuda:0", "cuda:3"])
        self.assertEqual(enc.devices("cpu"), ["cpu"])


class CommandLineTest(unittest.TestCase):
    def run_script(self, *args):
        result = subprocess.run(
            [sys.executable, os.path.join(os.path.dirname(HERE), "encode_latents.py")] + list(args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            universal_newlines=True,
            timeout=60,
        )
        lines = [
            json.loads(line[len(enc.PROGRESS_PREFIX) :])
            for line in result.stdout.splitlines()
            if line.startswith(enc.PROGRESS_PREFIX)
        ]
        return result.returncode, lines

    def test_errors_are_reported_as_one_progress_line(self):
        with tempfile.TemporaryDirectory() as folder:
            code, lines = self.run_script("--dataset", folder, "--episodes", folder, "--svd", folder)
        self.assertEqual(code, 2)
        self.assertEqual(lines, [{"event": "error", "code": "no-dataset", "message": lines[0]["message"]}])
        self.assertIn("annotation", lines[0]["message"])

    @unittest.skipIf(enc.importlib_spec("torch") is not None, "torch is installed here")
    def test_a_python_without_torch_is_told_what_to_install(self):
        with tempfile.TemporaryDirectory() as folder:
            os.makedirs(os.path.join(folder, "annotation"))
            os.makedirs(os.path.join(folder, "svd", "vae"))
            code, lines = self.run_script(
                "--dataset", folder, "--episodes", folder, "--svd", os.path.join(folder, "svd")
            )
        self.assertEqual(code, 2)
        self.assertEqual(lines[0]["code"], "missing-module")
        self.assertIn("pip install", lines[0]["message"])
        self.assertIn("torch", lines[0]["message"])


if __name__ == "__main__":
    unittest.main()
