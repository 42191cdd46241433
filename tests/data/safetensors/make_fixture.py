# Writes numpy_written.safetensors, read by tests/lua/serialize_spec.lua: the safetensors
# format written by hand with numpy, struct and json (independently of moongrad's writer):
# an 8-byte little-endian header length, the JSON header padded with spaces to a multiple
# of 8 bytes, then the tensors' little-endian bytes. Run from this directory:
#   /usr/bin/python3 make_fixture.py
import json
import struct

import numpy as np

tensors = {  # in the order of their data
    "labels": np.array([2**40 + 1, -7, 0], dtype="<i8"),
    "weight": np.array([[1.5, -2.0], [0.1, 3.0e38]], dtype="<f4"),
    "mask": np.array([True, False], dtype=np.bool_),
}
dtypes = {"<i8": "I64", "<f4": "F32", "|b1": "BOOL"}

header, data, offset = {"__metadata__": {"format": "np", "source": "make_fixture.py"}}, b"", 0
for name, array in tensors.items():
    raw = array.tobytes()
    header[name] = {"dtype": dtypes[array.dtype.str], "shape": list(array.shape),
                    "data_offsets": [offset, offset + len(raw)]}
    data += raw
    offset += len(raw)

text = json.dumps(header).encode("utf-8")  # json's own spacing: ", " and ": "
text += b" " * (-len(text) % 8)
with open("numpy_written.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + data)
