#!/usr/bin/env python3
"""Upstream Ctrl-World's real, unmodified train_wm.py, launched through the product's own launch path, on a GPU.

Proves on both checkouts a user may have (Robert-gyj/Ctrl-World at 4c713d1 and the Flexiv hand-over fork
yijie252/Ctrl-World at 1ab23f4) that:
  - the preflight's trainer probe (trainer_probe.py) finds every import, sees the run's own config as the one the
    trainer imports, and reads one item of each split through the checkout's own Dataset_mix;
  - the old launch (`--config <module>`) is refused by upstream's argparse and ignored by the fork;
  - runs.py launch, given the exact stdin the extension sends, trains 20 steps from randomly initialised models and
    writes checkpoint-10.pt, checkpoint-20.pt and samples/train_steps_*_0.mp4 in the run's output folder;
  - runs.py list and outputs.py (what the Runs view and the dashboard read) report them; the run finishes.
The fork continues from upstream's checkpoint-20.pt (--ckpt_path, as Continue from Checkpoint does).

Inputs, made on the development machine by test/support/gpuTrainingBundle.ts (git-ignored, carried to the device):
  BUNDLE/{upstream,fork}/            the two checkouts, unmodified
  BUNDLE/episodes, data, meta        generated Flexiv episodes and their conversion (annotations, stat.json, samples)
  BUNDLE/launch-*.json, probe-*.json the extension's stdin for runs.py launch and trainer_probe.py
Models: no weights exist here; the SVD pipeline (a default-config UNet, randomly initialised, and a tiny VAE and image
encoder), a tiny CLIP text model and tokenizer are built and saved with save_pretrained. Packages the device lacks
(wandb, swanlab, mediapy, decord, omegaconf) come from tests/gpu_env (see its README).

Run from the repository root on the GPU machine:
    python3 remote-kit/tests/test_upstream_training_gpu.py BUNDLE DIFFUSERS_SRC
(DIFFUSERS_SRC: a folder holding the diffusers package.) With OUT set, the real logs, listings, one sample video per
run and a JSON report are copied there: the unit tests' fixtures.
"""

import json
import os
import shutil
import subprocess
import sys
import time

from cuda_or_skip import cuda_device_count  # beside this file

HERE = os.path.dirname(os.path.abspath(__file__))
KIT = os.path.dirname(HERE)
BASE = "/tmp/cwf-real"  # the paths the bundle's requests name
ENV_SETUP = "export PYTHONPATH=%s/env:%s/vendor${PYTHONPATH:+:$PYTHONPATH}" % (BASE, BASE)
RUN_SECONDS = 420
report = {"timings": {}}


def log(message):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), message), flush=True)


def timed(name, started):
    report["timings"][name] = round(time.time() - started, 1)
    log("%s: %.1f s" % (name, time.time() - started))


def in_env(argv, stdin=None, timeout=900):
    """A command in the training environment, as the kit's launcher runs it: the env setup first."""
    command = ENV_SETUP + '; exec "$@"'
    return subprocess.run(
        ["sh", "-c", command, "sh"] + argv, input=stdin, capture_output=True, text=True, timeout=timeout
    )


def prepare(bundle, diffusers_src):
    if os.path.exists(BASE):
        shutil.rmtree(BASE)
    shutil.copytree(bundle, BASE)
    shutil.copytree(os.path.join(HERE, "gpu_env"), os.path.join(BASE, "env"))
    vendor = os.path.join(BASE, "vendor", "diffusers")
    shutil.copytree(os.path.join(diffusers_src, "diffusers"), vendor)
    # Upstream imports diffusers.pipelines.text_to_video_synthesis (diffusers 0.34); this diffusers moved it under
    # pipelines/deprecated/. An alias package keeps upstream's import lines working unmodified.
    old = os.path.join(vendor, "pipelines", "text_to_video_synthesis")
    os.makedirs(old)
    # The submodule is registered under its old name before the package is replaced, so Python never loads the moved
    # file under the old (shallower) package name, where its relative imports would reach above diffusers.
    with open(os.path.join(old, "__init__.py"), "w") as handle:
        handle.write(
            "import importlib, sys\n"
            "_moved = 'diffusers.pipelines.deprecated.text_to_video_synthesis'\n"
            "sys.modules[__name__ + '.pipeline_text_to_video_synth'] = importlib.import_module(\n"
            "    _moved + '.pipeline_text_to_video_synth')\n"
            "sys.modules[__name__] = importlib.import_module(_moved)\n"
        )


MODELS = r"""
import json, os, sys
import torch
from diffusers import AutoencoderKLTemporalDecoder, EulerDiscreteScheduler, StableVideoDiffusionPipeline
from diffusers import UNetSpatioTemporalConditionModel
from transformers import CLIPImageProcessor, CLIPTextConfig, CLIPTextModelWithProjection, CLIPVisionConfig
from transformers import CLIPVisionModelWithProjection

base = sys.argv[1]
torch.manual_seed(0)
vae = AutoencoderKLTemporalDecoder(down_block_types=("DownEncoderBlock2D",) * 4, block_out_channels=(32,) * 4,
                                   layers_per_block=1)
# CrtlWorld builds UNetSpatioTemporalConditionModel() with the default (SVD) config and copies these weights into it
# with strict=False, which forgives missing keys but not shapes: the pipeline's UNet must have the default config.
with torch.device("cuda"):
    unet = UNetSpatioTemporalConditionModel()
unet = unet.half()
image_encoder = CLIPVisionModelWithProjection(CLIPVisionConfig(hidden_size=32, intermediate_size=37, num_hidden_layers=1,
                                              num_attention_heads=4, image_size=32, patch_size=16, projection_dim=1024))
scheduler = EulerDiscreteScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                   interpolation_type="linear", num_train_timesteps=1000, prediction_type="v_prediction",
                                   sigma_max=700.0, sigma_min=0.002, steps_offset=1, timestep_spacing="leading",
                                   timestep_type="continuous", use_karras_sigmas=True)
pipeline = StableVideoDiffusionPipeline(vae=vae, image_encoder=image_encoder, unet=unet, scheduler=scheduler,
                                        feature_extractor=CLIPImageProcessor(size=32, crop_size=32))
pipeline.save_pretrained(os.path.join(base, "stable-video-diffusion-img2vid"))

# CLIP text: a byte-level BPE vocabulary of single characters (no merges) tokenizes any text.
clip = os.path.join(base, "clip-vit-base-patch32")
os.makedirs(clip, exist_ok=True)
printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
chars = [chr(b) for b in printable] + [chr(256 + n) for n, b in enumerate(b for b in range(256) if b not in printable)]
vocab = {}
for ch in chars:
    vocab[ch] = len(vocab)
for ch in chars:
    vocab[ch + "</w>"] = len(vocab)
for special in ("<|startoftext|>", "<|endoftext|>"):
    vocab[special] = len(vocab)
with open(os.path.join(clip, "vocab.json"), "w") as handle:
    json.dump(vocab, handle)
with open(os.path.join(clip, "merges.txt"), "w") as handle:
    handle.write("#version: 0.2\n")
with open(os.path.join(clip, "tokenizer_config.json"), "w") as handle:
    json.dump({"tokenizer_class": "CLIPTokenizer", "model_max_length": 77, "bos_token": "<|startoftext|>",
               "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>"}, handle)
text = CLIPTextModelWithProjection(CLIPTextConfig(vocab_size=len(vocab), hidden_size=32, intermediate_size=37,
                                   num_hidden_layers=1, num_attention_heads=4, max_position_embeddings=77,
                                   projection_dim=512, bos_token_id=vocab["<|startoftext|>"],
                                   eos_token_id=vocab["<|endoftext|>"], pad_token_id=vocab["<|endoftext|>"]))
text.save_pretrained(clip)
print("models saved")
"""


def build_models():
    started = time.time()
    os.makedirs(os.path.join(BASE, "models"), exist_ok=True)
    done = in_env([sys.executable, "-c", MODELS, os.path.join(BASE, "models")])
    assert done.returncode == 0, done.stderr[-4000:]
    timed("build models", started)


def encode_latents():
    started = time.time()
    done = in_env(
        [
            sys.executable,
            os.path.join(KIT, "encode_latents.py"),
            "--dataset",
            os.path.join(BASE, "data", "flexiv_1113"),
            "--episodes",
            os.path.join(BASE, "episodes", "flexiv_1113"),
            "--svd",
            os.path.join(BASE, "models", "stable-video-diffusion-img2vid"),
            "--gpus",
            "0",
        ]
    )
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-3000:])
    timed("encode latents", started)


def probe(name):
    started = time.time()
    with open(os.path.join(BASE, "probe-%s.json" % name)) as handle:
        request = handle.read()
    done = in_env([sys.executable, os.path.join(KIT, "trainer_probe.py")], stdin=request, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout)
    report["probe-" + name] = answer
    timed("trainer probe " + name, started)
    return answer


def probe_problems(answer, name):
    """What the preflight would flag on a checkout that must pass: missing imports, another config, unreadable data."""
    problems = []
    if answer["imports"]["missing"]:
        problems.append("missing imports %s" % answer["imports"]["missing"])
    trainer = answer["trainer"]
    if not trainer or "error" in trainer:
        return problems + ["trainer did not reach main(args): %s" % json.dumps(trainer)[-1500:]]
    if trainer["values"]["output_dir"] != "%s/out/%s" % (BASE, name):
        problems.append("effective output_dir %s" % trainer["values"]["output_dir"])
    problems.extend(
        "%s: %s" % (mode, trainer["data"][mode]) for mode in ("train", "val") if "error" in trainer["data"][mode]
    )
    return problems


def kit(args, stdin=None):
    done = subprocess.run(
        [sys.executable, os.path.join(KIT, args[0])] + args[1:],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 3), done.stderr
    return json.loads(done.stdout)


def train(name):
    with open(os.path.join(BASE, "launch-%s.json" % name)) as handle:
        request = json.load(handle)
    started = time.time()
    launched = kit(["runs.py", "launch"], json.dumps(request))
    assert launched.get("runId") == request["runId"], launched
    root, run_id = request["root"], request["runId"]
    while True:
        entry = kit(["runs.py", "list", root, run_id, "0"])[0]
        if entry["record"]["state"] in ("finished", "failed", "stopped"):
            break
        if time.time() - started > RUN_SECONDS:
            kit(["runs.py", "stop", root, run_id, "10"])
            break
        time.sleep(2)
    timed("train " + name, started)
    listing = kit(["runs.py", "list", root, run_id, "4096"])
    outputs = kit(["outputs.py", request["outputDir"], "0", "0"])
    report["list-" + name] = listing
    report["outputs-" + name] = outputs
    return request, listing[0], outputs


def keep(path, name):
    out = os.environ.get("OUT")
    if out and path and os.path.exists(path):
        shutil.copy(path, os.path.join(out, name))


def main():
    bundle, diffusers_src = sys.argv[1], sys.argv[2]
    if not cuda_device_count():
        return
    failures = []
    try:
        prepare(bundle, diffusers_src)
        build_models()
        encode_latents()
        for name in ("upstream", "fork"):
            failures.extend("probe %s: %s" % (name, problem) for problem in probe_problems(probe(name), name))
            flagged = probe(name + "-config-flag")
            log("old --config launch on %s: %s" % (name, json.dumps(flagged["trainer"])[:300]))
        for name in ("upstream", "fork"):
            request, entry, outputs = train(name)
            keep(entry["record"]["logFile"], "%s-train.log" % name)
            state = entry["record"]["state"]
            checkpoints = [item["name"] for item in outputs.get("checkpoints", [])]
            samples = [item["name"] for item in outputs.get("samples", [])]
            log("%s: state %s, checkpoints %s, samples %s" % (name, state, checkpoints, samples))
            if samples:
                keep(os.path.join(request["outputDir"], "samples", sorted(samples)[0]), "%s-sample.mp4" % name)
            if state != "finished" or len(checkpoints) < 2 or not samples:
                failures.append(
                    "%s: state %s, %d checkpoints, %d samples" % (name, state, len(checkpoints), len(samples))
                )
            if name == "upstream":
                # The fork starts from checkpoint-20; the rest only fill the disk.
                for item in outputs.get("checkpoints", []):
                    if not item["name"].endswith("-20.pt"):
                        os.remove(item["path"])
    finally:
        out = os.environ.get("OUT")
        if out:
            with open(os.path.join(out, "gpu-run-report.json"), "w") as handle:
                json.dump(report, handle, indent=1)
    assert not failures, failures
    print("ok: upstream and the fork trained through the product's launch path: %s" % json.dumps(report["timings"]))


if __name__ == "__main__":
    main()
