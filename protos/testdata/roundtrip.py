"""Python half of the protobuf round-trip test (protos/ts/roundtrip.test.ts runs it).

Reads the shared vectors and the payloads TypeScript encoded, decodes each payload with
temporalio's own payload converter (the wire form the Python worker will use), checks it against
the vector, and encodes the vector's message with temporalio (binary/protobuf and the SDK default,
json/protobuf) for TypeScript to decode. Writes one JSON report; exits 1 on a mismatch.

Usage: python roundtrip.py <generated python dir> <vectors.json> <payloads-from-ts.json> <report.json>
"""

import base64
import json
import pathlib
import sys


def main() -> int:
    gen_dir, vectors_path, payloads_path, report_path = sys.argv[1:5]
    sys.path.insert(0, gen_dir)
    # Importing every generated module registers its messages in the default symbol database,
    # which is where temporalio looks a `messageType` up.
    import importlib

    root = pathlib.Path(gen_dir)
    for module in sorted(root.rglob("*_pb2.py")):
        importlib.import_module(".".join(module.relative_to(root).with_suffix("").parts))

    import google.protobuf
    from google.protobuf import json_format, symbol_database
    from temporalio.api.common.v1 import Payload
    from temporalio.converter import BinaryProtoPayloadConverter, DefaultPayloadConverter

    default = DefaultPayloadConverter()
    binary = BinaryProtoPayloadConverter()
    sym_db = symbol_database.Default()

    vectors = json.loads(pathlib.Path(vectors_path).read_text())["vectors"]
    from_ts = json.loads(pathlib.Path(payloads_path).read_text())
    problems = []
    back = []
    for index, vector in enumerate(vectors):
        name = vector["messageType"]
        expected = json_format.ParseDict(vector["json"], sym_db.GetSymbol(name)())
        canonical = base64.b64decode(vector["binary"])
        if expected.SerializeToString(deterministic=True) != canonical:
            problems.append(f"{name}: Python's encoding differs from the vector's bytes")
        payload = to_payload(from_ts[index])
        decoded = default.from_payload(payload)
        if type(decoded).DESCRIPTOR.full_name != name or decoded != expected:
            problems.append(f"{name}: the TypeScript payload decodes to {decoded!r}")
        if payload.data != canonical:
            problems.append(f"{name}: TypeScript's bytes differ from the vector's")
        back.append(
            {
                "binary": from_payload(binary.to_payload(expected)),
                "json": from_payload(default.to_payload(expected)),
            }
        )
    report = {"protobuf": google.protobuf.__version__, "problems": problems, "payloads": back}
    pathlib.Path(report_path).write_text(json.dumps(report))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def to_payload(encoded):
    from temporalio.api.common.v1 import Payload

    return Payload(
        metadata={k: base64.b64decode(v) for k, v in encoded["metadata"].items()},
        data=base64.b64decode(encoded["data"]),
    )


def from_payload(payload):
    return {
        "metadata": {k: base64.b64encode(v).decode() for k, v in payload.metadata.items()},
        "data": base64.b64encode(payload.data).decode(),
    }


if __name__ == "__main__":
    sys.exit(main())
