"""Stand-in for decord on the GPU test machine (see ../README.md): upstream's training imports these names only."""


class VideoReader:
    def __init__(self, *_args, **_options):
        raise NotImplementedError("decord stand-in: training reads latents, not videos")


def cpu(index=0):
    return index
