"""What the CPU multiplies fast, from the flags Linux reports in /proc/cpuinfo.

The MiniLM encoders' arithmetic follows it (`embeddings.precision_resolve`): bfloat16 pays
only where AMX multiplies whole tiles of it (with AVX-512 BF16 alone torch's bfloat16 runs
slower than float32: the layer norms, GELU and attention convert back and forth), and int8
only where VNNI adds 8-bit products straight into 32-bit sums (AVX2's `vpmaddubsw` saturates
16-bit sums, so fbgemm must quantise inputs to 7 bits there, and gains no time).
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")
AMX_BF16 = frozenset({"amx_bf16"})
VNNI = frozenset({"avx512_vnni", "avx_vnni"})


def cpu_flags_read(cpuinfo: Path = CPUINFO) -> frozenset[str]:
    """The first processor's flags in `cpuinfo`; none where it cannot be read (not Linux)."""
    try:
        with open(cpuinfo, encoding="ascii", errors="replace") as lines:
            flags = next((line for line in lines if line.startswith("flags")), "")
    except OSError:
        return frozenset()
    return frozenset(flags.partition(":")[2].split())


@functools.cache
def cpu_flags() -> frozenset[str]:
    """This machine's CPU flags, read once per process."""
    return cpu_flags_read()


def has_amx_bf16(flags: Collection[str] | None = None) -> bool:
    return not AMX_BF16.isdisjoint(cpu_flags() if flags is None else flags)


def has_vnni(flags: Collection[str] | None = None) -> bool:
    return not VNNI.isdisjoint(cpu_flags() if flags is None else flags)
