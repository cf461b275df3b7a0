"""Stand-in for mediapy on the GPU test machine (see ../README.md): write_video makes a real MP4 with OpenCV."""

import cv2
import numpy as np


def write_video(path, images, fps=30, **_options):
    frames = np.asarray(images)
    height, width = frames.shape[1:3]
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"mp4v"), float(fps), (width, height))
    if not writer.isOpened():
        raise OSError("OpenCV cannot write %s" % path)
    for frame in frames:
        writer.write(cv2.cvtColor(frame.astype(np.uint8), cv2.COLOR_RGB2BGR))
    writer.release()
