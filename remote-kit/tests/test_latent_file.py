"""The latent-file rule on the GPU host's side, on the shared cases of test/fixtures/latent_files.json.

Checks the files in $LATENT_FILES_DIR when set (test/integration/latent-file-rule.test.ts writes them once and checks
the same bytes with the TypeScript rule), else writes them here with test/fixtures/torch_pt.py. Standard library and
numpy (for the writer): python3 -m unittest discover -s remote-kit/tests -p 'test_latent_file.py'
"""

import base64
import json
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "test", "fixtures"))

import converted_snapshot  # noqa: E402
import encode_latents  # noqa: E402
import latent_file  # noqa: E402

with open(os.path.join(REPO, "test", "fixtures", "latent_files.json")) as handle:
    CASES = json.load(handle)["files"]


class SharedCases(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = os.environ.get("LATENT_FILES_DIR")
        cls.written_here = not cls.folder
        if cls.written_here:
            import torch_pt

            cls.folder = tempfile.mkdtemp(prefix="cwf-latent-rule-")
            for case in CASES:
                torch_pt.write_spec(dict(case["spec"], path=os.path.join(cls.folder, case["file"])))

    @classmethod
    def tearDownClass(cls):
        if cls.written_here:
            shutil.rmtree(cls.folder)

    def test_every_file_gets_the_shared_verdict(self):
        for case in CASES:
            with self.subTest(file=case["file"]):
                self.assertEqual(latent_file.latent_verdict(os.path.join(self.folder, case["file"])), case["verdict"])

    def test_the_encoder_resumes_only_over_what_the_rule_accepts(self):
        for case in CASES:
            verdict = case["verdict"]
            expected = (tuple(verdict["shape"]), verdict["dtype"]) if verdict["ok"] else None
            with self.subTest(file=case["file"]):
                self.assertEqual(encode_latents.latent_info(os.path.join(self.folder, case["file"])), expected)

    def test_the_snapshot_carries_what_the_local_check_needs_for_the_same_verdict(self):
        for case in CASES:
            snapshot = converted_snapshot.read_latent(os.path.join(self.folder, case["file"]))
            with self.subTest(file=case["file"]):
                if "error" in snapshot:
                    verdict = {"ok": False, "reason": snapshot["error"]}
                else:
                    # What the editor does with a snapshot (files.ts): the same lookup, then the tensor check.
                    sizes = {name: size for name, size in snapshot["entries"]}
                    name = latent_file.pickle_name([name for name, _ in snapshot["entries"]])
                    try:
                        verdict = latent_file.tensor_verdict(sizes, name, base64.b64decode(snapshot["pickle"]))
                    except latent_file.LatentFormatError as error:
                        verdict = {"ok": False, "reason": str(error)}
                self.assertEqual(verdict, case["verdict"])

    def test_a_missing_file_is_missing(self):
        self.assertEqual(
            latent_file.latent_verdict(os.path.join(self.folder, "absent.pt")), {"ok": False, "reason": "missing"}
        )


if __name__ == "__main__":
    unittest.main()
