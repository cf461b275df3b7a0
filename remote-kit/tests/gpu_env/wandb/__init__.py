"""Stand-in for wandb on the GPU test machine (see ../README.md): records logged values to a JSON-lines file."""

import json
import os

__version__ = "0.0.0"
run = None


class _Config(dict):
    def update(self, values=None, allow_val_change=False, **more):
        dict.update(self, values or {}, **more)


config = _Config()


class Run:
    def __init__(self, project=None, name=None, **_options):
        self.project, self.name, self.config = project, name, config
        self._path = os.path.join(os.environ.get("WANDB_DIR", "."), "stand-in-wandb.jsonl")

    def log(self, values, step=None, **_options):
        with open(self._path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"step": step, "values": {k: float(v) for k, v in values.items()}}) + "\n")

    def finish(self, *_args, **_options):
        pass


def init(project=None, name=None, **options):
    global run
    run = Run(project, name, **options)
    return run


def log(values, step=None, **options):
    run.log(values, step=step, **options)


def finish(*args, **options):
    if run is not None:
        run.finish(*args, **options)
