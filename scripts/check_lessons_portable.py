"""Re-run the lessons on "other machines" and check they still print their stored outputs.

A lesson is run on a student's hub, a maintainer's laptop and CI, whose CPUs differ: OpenBLAS picks
a kernel per CPU and splits work across threads, and NumPy picks SIMD loops (AVX-512, AVX2, SSE)
for `exp`, `log` and sums. Each choice can change the last bits of a result, so nothing a lesson
prints may depend on them. This script imitates two other machines on this one, with NumPy's
bundled OpenBLAS (built DYNAMIC_ARCH, so it honours OPENBLAS_CORETYPE) and NumPy's
NPY_DISABLE_CPU_FEATURES, and runs nbval on the lessons under each:

- an old x86-64 CPU: OpenBLAS's generic Prescott kernel on one thread, NumPy's SSE baseline loops;
- an AVX2 CPU: OpenBLAS's Haswell kernel on two threads, NumPy without its AVX-512 loops.

Before each run it asks a fresh interpreter of this environment (what a Jupyter kernel is) which
kernel and loops it really got, and stops with a message if a setting did not take effect,
so a pass can never silently test the default machine twice.

    python scripts/check_lessons_portable.py [--workers N] [notebooks/NN_topic.ipynb ...]
"""

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Machine:
    name: str
    coretype: str           # OPENBLAS_CORETYPE
    blas_kernel: str        # the kernel OpenBLAS then reports (threadpoolctl's "architecture")
    blas_threads: int
    numpy_disabled: tuple   # NumPy CPU feature groups switched off (ignored when the CPU lacks them)

    def env(self):
        return {
            "OPENBLAS_CORETYPE": self.coretype,
            "OPENBLAS_NUM_THREADS": str(self.blas_threads),
            "OMP_NUM_THREADS": str(self.blas_threads),
            "NPY_DISABLE_CPU_FEATURES": " ".join(self.numpy_disabled),
        }


# OPENBLAS_CORETYPE=Prescott selects the generic SSE3 kernels, which OpenBLAS reports as "Katmai".
MACHINES = [
    Machine("old x86-64 CPU", "Prescott", "Katmai", 1, ("X86_V3", "X86_V4", "AVX512_ICL", "AVX512_SPR")),
    Machine("AVX2 CPU", "Haswell", "Haswell", 2, ("X86_V4", "AVX512_ICL", "AVX512_SPR")),
]

PROBE = """
import json, numpy, threadpoolctl
from numpy._core._multiarray_umath import __cpu_features__ as features
blas = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
print(json.dumps({"blas": [(i["internal_api"], i.get("architecture"), i["num_threads"]) for i in blas],
                  "simd": sorted(name for name, on in features.items() if on)}))
"""


def probe(env):
    """What a fresh interpreter with ``env`` really runs: its BLAS kernels and NumPy's CPU features."""
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def settings_took_effect(machine, seen):
    """The reasons ``seen`` (from ``probe``) is not the machine asked for; empty when it is."""
    problems = []
    openblas = [entry for entry in seen["blas"] if entry[0] == "openblas"]
    if not openblas:
        problems.append(f"NumPy does not use OpenBLAS here ({seen['blas']}): OPENBLAS_CORETYPE has no effect")
    for _, kernel, threads in openblas:
        if kernel != machine.blas_kernel:
            problems.append(f"OpenBLAS runs the {kernel} kernel, not {machine.blas_kernel} "
                            "(a build without DYNAMIC_ARCH ignores OPENBLAS_CORETYPE)")
        if threads != machine.blas_threads:
            problems.append(f"OpenBLAS runs {threads} threads, not {machine.blas_threads}")
    still_on = sorted(set(machine.numpy_disabled) & set(seen["simd"]))
    if still_on:
        problems.append(f"NumPy still uses {', '.join(still_on)} (NPY_DISABLE_CPU_FEATURES ignored)")
    return problems


def nbval_command(paths, workers):
    return [sys.executable, "-m", "pytest", "-n", str(workers), "--dist", "loadfile", "-p", "no:cacheprovider",
            "-q", "--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", *paths]


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("lessons", nargs="*", default=["notebooks"])
    args = parser.parse_args(argv)
    failed = []
    for machine in MACHINES:
        env = {**os.environ, **machine.env()}
        problems = settings_took_effect(machine, probe(env))
        if problems:
            print(f"error: cannot imitate an {machine.name}: {'; '.join(problems)}.", file=sys.stderr)
            return 2
        settings = " ".join(f"{key}={value!r}" for key, value in machine.env().items())
        print(f"lessons on an {machine.name} ({settings})", flush=True)
        if subprocess.run(nbval_command(args.lessons, args.workers), env=env, cwd=ROOT).returncode != 0:
            failed.append(machine.name)
    if failed:
        print(f"the lessons print something else on: {', '.join(failed)}. Print what does not depend on the last "
              "bits of floating point (round, or summarise), then `make lessons`.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
