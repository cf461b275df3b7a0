#!/usr/bin/env python3
"""The run registry (runs.py, supervise.sh, probe.py) on a real GPU host, with a real `accelerate launch`.

Needs CUDA, torch and accelerate; prints SKIP and exits 0 without a GPU. What it checks:
  - probe.py finds torch, accelerate and nvidia-smi;
  - runs.py launch starts `accelerate launch` (the argv the extension's single-host target builds) detached, with the
    run's config module imported from the run folder and output_dir pointing at the run's output folder;
  - the trainer (a small DDP model, Ctrl-World's tqdm bar and accelerate logging) holds GPU memory on every chosen
    GPU, writes checkpoint-N.pt, and runs.py list says `running`;
  - a second launch into the same output folder is refused;
  - runs.py stop ends the launcher and every worker with SIGTERM, frees the GPUs and leaves the run `stopped`.
With OUT set, the run's train.log and the GPU query output are copied there (real bytes for the parsers' tests).

Run on the GPU host from the repository root: python3 remote-kit/tests/test_runs_gpu.py
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from cuda_or_skip import cuda_device_count  # beside this file

KIT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GPU_QUERY = "--query-gpu=index,name,uuid,memory.total,memory.used,memory.free,utilization.gpu"

TRAINER = r"""
import importlib, math, os, time
from argparse import ArgumentParser
import torch
from accelerate import Accelerator
from accelerate.logging import get_logger
from tqdm.auto import tqdm

logger = get_logger(__name__, log_level="INFO")


def main(args):
    accelerator = Accelerator(gradient_accumulation_steps=args.gradient_accumulation_steps, mixed_precision=args.mixed_precision)
    model = torch.nn.Sequential(torch.nn.Linear(4096, 4096), torch.nn.GELU(), torch.nn.Linear(4096, 4096))
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate)
    model, optimizer = accelerator.prepare(model, optimizer)
    ballast = torch.empty(256 * 1024 * 1024, dtype=torch.uint8, device=accelerator.device)  # visible in nvidia-smi
    logger.info("***** Running training *****")
    logger.info("  Total optimization steps = %d" % args.max_train_steps)
    progress_bar = tqdm(range(0, args.max_train_steps), initial=0, desc="Steps", disable=not accelerator.is_local_main_process)
    window = 0.0
    for global_step in range(1, args.max_train_steps + 1):
        with accelerator.accumulate(model):
            x = torch.randn(args.train_batch_size, 4096, device=accelerator.device)
            loss = model(x).pow(2).mean()
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
        window += loss.item()
        progress_bar.update(1)
        if global_step % 10 == 0:
            progress_bar.set_postfix(loss=window)
            window = 0.0
        if global_step % args.checkpointing_steps == 0 and accelerator.is_main_process:
            path = os.path.join(args.output_dir, "checkpoint-%d.pt" % global_step)
            accelerator.save(accelerator.unwrap_model(model).state_dict(), path)
            logger.info("Saved checkpoint to %s" % path)
        time.sleep(0.05)
    del ballast


if __name__ == "__main__":
    parser = ArgumentParser()
    parser.add_argument("--config", type=str, default="config")
    parser.add_argument("--ckpt_path", type=str, default=None)
    overrides = parser.parse_args()
    args = importlib.import_module(overrides.config).wm_args()
    os.makedirs(args.output_dir, exist_ok=True)
    main(args)
"""

CONFIG = """
class wm_args:
    output_dir = "model_ckpt/flexiv_finetune"
    learning_rate = 5e-6
    gradient_accumulation_steps = 1
    mixed_precision = "bf16"
    train_batch_size = 4
    max_train_steps = 100000
    checkpointing_steps = 20
"""


def kit(args, stdin=None):
    result = subprocess.run(
        [sys.executable, os.path.join(KIT, args[0])] + args[1:],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 3), result.stderr
    return json.loads(result.stdout)


def memory_used_mib():
    """Memory used per GPU (MiB): in a container nvidia-smi may list no processes, but memory always shows."""
    out = subprocess.run(
        ["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [int(line) for line in out.split()]


def wait_for(what, predicate, seconds):
    deadline = time.time() + seconds
    while not predicate():
        if time.time() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.5)


def launch_request(root, run_id, workdir, output_dir, gpus):
    """What the extension's launchRun sends for the single-host accelerate target."""
    module = "ctrl_world_flexiv_run_" + run_id
    run_dir = os.path.join(root, "runs", run_id)
    argv = (
        [
            "accelerate",
            "launch",
            "--num_machines",
            "1",
            "--num_processes",
            str(len(gpus)),
            "--main_process_port",
            "29517",
            "--mixed_precision",
            "bf16",
            "--dynamo_backend",
            "no",
        ]
        + (["--multi_gpu"] if len(gpus) > 1 else [])
        + ["scripts/train_wm.py", "--config", module]
    )
    return {
        "root": root,
        "runId": run_id,
        "outputDir": output_dir,
        "workdir": workdir,
        "argv": argv,
        "detach": "setsid",
        "env": {"CUDA_VISIBLE_DEVICES": ",".join(map(str, gpus)), "PYTHONPATH": run_dir, "WANDB_MODE": "offline"},
        "files": {
            "config_snapshot.py": CONFIG,
            module + ".py": CONFIG.replace('"model_ckpt/flexiv_finetune"', repr(output_dir)),
        },
        "record": {
            "schema": 1,
            "name": os.path.basename(output_dir),
            "outputDir": output_dir,
            "workdir": workdir,
            "gpus": gpus,
            "command": argv,
            "totalSteps": 100000,
        },
    }


def main():
    count = cuda_device_count()
    if not count:
        return
    gpus = list(range(count))
    probe = kit(
        ["probe.py"],
        json.dumps({"packages": ["torch", "accelerate"], "commands": ["nvidia-smi", "accelerate", "setsid"]}),
    )
    assert probe["packages"]["torch"] and probe["packages"]["accelerate"], probe
    assert all(probe["commands"].values()), probe

    base = tempfile.mkdtemp(prefix="cwf-gpu-")
    workdir = os.path.join(base, "Ctrl-World")
    os.makedirs(os.path.join(workdir, "scripts"))
    with open(os.path.join(workdir, "scripts", "train_wm.py"), "w") as handle:
        handle.write(TRAINER)
    root = os.path.join(base, "registry")
    output_dir = os.path.join(workdir, "model_ckpt", "flexiv_finetune")
    run_id = "20261128_120000_gpu1"
    before = memory_used_mib()
    held = lambda: all(now - then > 256 for now, then in zip(memory_used_mib(), before))
    started = time.time()
    launched = kit(["runs.py", "launch"], json.dumps(launch_request(root, run_id, workdir, output_dir, gpus)))
    assert launched.get("runId") == run_id, launched
    log = os.path.join(root, "runs", run_id, "train.log")
    try:
        wait_for("checkpoint-20.pt", lambda: os.path.exists(os.path.join(output_dir, "checkpoint-20.pt")), 240)
        print("first checkpoint %.1f s after the launch" % (time.time() - started))
        wait_for("a worker holding memory on every GPU", held, 30)
        listed = kit(["runs.py", "list", root, run_id])
        assert listed[0]["record"]["state"] == "running", listed
        assert "Steps:" in listed[0]["logTail"], listed[0]["logTail"][-2000:]
        again = kit(["runs.py", "launch"], json.dumps(launch_request(root, run_id + "b", workdir, output_dir, gpus)))
        assert again.get("error") == "output-in-use", again

        stop_started = time.time()
        stopped = kit(["runs.py", "stop", root, run_id, "30"])
        print("stop: %s in %.1f s" % (json.dumps(stopped), time.time() - stop_started))
        assert stopped["state"] == "stopped" and stopped["remaining"] == [], stopped
        wait_for(
            "the GPUs to be freed", lambda: all(now - then < 64 for now, then in zip(memory_used_mib(), before)), 30
        )
        assert kit(["runs.py", "list", root, run_id])[0]["record"]["state"] == "stopped"
    finally:
        out = os.environ.get("OUT")
        if out:
            shutil.copy(log, os.path.join(out, "accelerate-%dgpu-train.log" % len(gpus)))
            with open(os.path.join(out, "nvidia-smi-query-gpu.csv"), "w") as handle:
                handle.write(
                    subprocess.run(
                        ["nvidia-smi", GPU_QUERY, "--format=csv,noheader,nounits"], capture_output=True, text=True
                    ).stdout
                )
        kit(["runs.py", "stop", root, run_id, "5"])
    print("ok: launch, list, refusal of a second launch and stop on %d GPU(s)" % len(gpus))


if __name__ == "__main__":
    main()
