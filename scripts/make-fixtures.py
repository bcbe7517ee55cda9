#!/usr/bin/python3
"""Writes the test fixtures from the Python oracle (Debian's python3-torch and python3-torchvision).

Usage: /usr/bin/python3 scripts/make-fixtures.py OUTDIR
Each module in scripts/fixtures/ has a make(outdir) function for one capability; all are run.
Fixtures are generated, never committed (test/fixtures is git-ignored).
"""
import importlib.util
import os
import sys

import torch


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
    sys.path.insert(0, here)  # fixture modules share helpers (vgg.write_raw)
    for name in sorted(os.listdir(here)):
        if not name.endswith(".py"):
            continue
        spec = importlib.util.spec_from_file_location(name[:-3], os.path.join(here, name))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.make(out)


if __name__ == "__main__":
    main()
