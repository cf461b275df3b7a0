"""Is a file a latent tensor torch.load would read, and of which shape and dtype: checked without torch.

The one rule, the same as src/core/convert/check/latentFile.ts (test/fixtures/latent_files.json holds the files
both sides are tested on, with the verdict each must give):
  - the file is a zip archive;
  - every record lives in one folder, the folder of the archive's first entry (torch.load looks records up as
    <folder>/<record>, whatever the folder is called), so data.pkl is <folder>/data.pkl and nowhere else;
  - data.pkl is one tensor (torch._utils._rebuild_tensor_v2 of a typed storage), read without running anything;
  - its storage <folder>/data/<key> holds at least (storage offset + elements) x item size bytes.
A verdict is {"ok": True, "shape": [...], "dtype": "float32"} or {"ok": False, "reason": "..."} in the local
check's words (only a data.pkl the pickle machine itself cannot read is described by each side in its own words).
Standard library only (3.6+).
"""

import io
import os
import pickle
import zipfile

# torch's typed storage classes by name: dtype and bytes per element (as torchPickle.ts).
STORAGES = {
    "FloatStorage": ("float32", 4),
    "DoubleStorage": ("float64", 8),
    "HalfStorage": ("float16", 2),
    "BFloat16Storage": ("bfloat16", 2),
    "LongStorage": ("int64", 8),
    "IntStorage": ("int32", 4),
    "ShortStorage": ("int16", 2),
    "CharStorage": ("int8", 1),
    "ByteStorage": ("uint8", 1),
    "BoolStorage": ("bool", 1),
}


class LatentFormatError(Exception):
    """Why a file is no latent tensor, in words the editor shows as they are."""


def pickle_name(names):
    """The data.pkl torch.load reads: in the folder of the first entry, as its zip reader looks records up."""
    if not names:
        raise LatentFormatError("it is an empty zip archive")
    folder, slash, _ = names[0].partition("/")
    if not slash or not folder:
        raise LatentFormatError("its first entry is not in a folder, so torch.save did not write it")
    name = folder + "/data.pkl"
    if name not in names:
        raise LatentFormatError("it has no data.pkl, so torch.save did not write it")
    return name


class _Storage:
    def __init__(self, class_name, key):
        self.dtype, self.itemsize = STORAGES.get(class_name, (class_name, 0))
        self.key = str(key)


class _Tensor:
    def __init__(self, storage, offset, size):
        self.storage = storage
        self.offset = int(offset)
        self.shape = [int(n) for n in size]


class _TensorHeader(pickle.Unpickler):
    """Reads data.pkl's tensor description: globals are names only, and nothing is executed."""

    def find_class(self, module, name):
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if name.endswith("Storage"):
            return name
        if (module, name) == ("collections", "OrderedDict"):
            return dict
        return _opaque

    def persistent_load(self, pid):
        # torch's persistent id: ('storage', <storage class name>, key, location, elements).
        if isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage" and isinstance(pid[1], str):
            return _Storage(pid[1], pid[2])
        return None


def _opaque(*args, **kwargs):
    """Any other callable: not called, and what it would make is no tensor."""
    return None


def _rebuild_tensor(storage, offset, size, *rest):
    return _Tensor(storage, offset, size) if isinstance(storage, _Storage) else None


def tensor_verdict(sizes, pickle_entry, data):
    """The tensor data.pkl describes, checked against the size of its storage entry (`sizes`: entry -> bytes)."""
    try:
        value = _TensorHeader(io.BytesIO(data)).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError, KeyError) as error:
        raise LatentFormatError("its data.pkl cannot be read (%s)" % error)
    if not isinstance(value, _Tensor):
        raise LatentFormatError("it holds something other than one tensor")
    storage = value.storage
    prefix = pickle_entry[: -len("data.pkl")]
    elements = 1
    for dimension in value.shape:
        elements *= dimension
    needed = (value.offset + elements) * storage.itemsize
    stored = sizes.get(prefix + "data/" + storage.key)
    if stored is None:
        raise LatentFormatError("its tensor data (data/%s) is missing" % storage.key)
    if stored < needed:
        raise LatentFormatError(
            "its tensor data holds %d bytes, but shape (%s) needs %d"
            % (stored, ", ".join(str(n) for n in value.shape), needed)
        )
    return {"ok": True, "shape": value.shape, "dtype": storage.dtype}


def read_pickle(path):
    """([(entry, size)], data.pkl's entry name, its bytes) of a torch.save file; LatentFormatError if it has none."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            entries = [(info.filename, info.file_size) for info in infos]
            name = pickle_name([entry for entry, _ in entries])
            try:
                data = archive.read(name)
            except (zipfile.BadZipFile, EOFError, OSError):
                raise LatentFormatError("its entry %s is cut short (the file is truncated)" % name)
        return entries, name, data
    except zipfile.BadZipFile:
        raise LatentFormatError("it is not a zip archive (torch.save writes one)")


def latent_verdict(path):
    """What torch.load would give, as far as shape and dtype go, or why the file cannot be a tensor."""
    try:
        entries, name, data = read_pickle(path)
        return tensor_verdict(dict(entries), name, data)
    except LatentFormatError as error:
        return {"ok": False, "reason": str(error)}
    except FileNotFoundError:
        return {"ok": False, "reason": "missing"}
    except OSError as error:
        return {"ok": False, "reason": str(error)}
