"""The GPU tests' first question: is there a CUDA device? Without one they print SKIP and exit 0."""


def cuda_device_count():
    """The number of CUDA devices, or 0 after printing why the test is skipped."""
    try:
        import torch
    except ImportError:
        print("SKIP: torch is not installed")
        return 0
    if not torch.cuda.is_available():
        print("SKIP: no CUDA device")
        return 0
    return torch.cuda.device_count()
