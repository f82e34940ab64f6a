"""What the CPU multiplies fast, from the flags Linux reports in /proc/cpuinfo.

The MiniLM encoders' arithmetic follows it (`embeddings.precision_resolve`): bfloat16 pays
where AMX multiplies whole tiles of it, and on AMD's AVX-512 BF16 (Zen 4 on: the matching
embedder 1.85x float32's speed), but not on Intel's AVX-512 BF16 without AMX (measured 1.4x
slower than float32 there: the layer norms, GELU and attention convert back and forth);
int8 is taken only where VNNI adds 8-bit products straight into 32-bit sums (AVX2's
`vpmaddubsw` saturates 16-bit sums, so fbgemm quantises inputs to 7 bits there: the scorer
runs 1.45x faster but loses 0.006 F1 by debate, see docs/extraction.md).
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")
AMX_BF16 = frozenset({"amx_bf16"})
AVX512_BF16 = frozenset({"avx512_bf16"})
AMD = "AuthenticAMD"
VNNI = frozenset({"avx512_vnni", "avx_vnni"})


def _first_processor(cpuinfo: Path, field: str) -> str:
    """The value of `field` for the first processor in `cpuinfo`; "" where it cannot be read
    (not Linux)."""
    try:
        with open(cpuinfo, encoding="ascii", errors="replace") as lines:
            line = next((line for line in lines if line.startswith(field)), "")
    except OSError:
        return ""
    return line.partition(":")[2].strip()


def cpu_flags_read(cpuinfo: Path = CPUINFO) -> frozenset[str]:
    """The first processor's flags in `cpuinfo`; none where it cannot be read (not Linux)."""
    return frozenset(_first_processor(cpuinfo, "flags").split())


def cpu_vendor_read(cpuinfo: Path = CPUINFO) -> str:
    """The first processor's vendor in `cpuinfo` ("GenuineIntel", "AuthenticAMD"); "" where
    it cannot be read."""
    return _first_processor(cpuinfo, "vendor_id")


@functools.cache
def cpu_flags() -> frozenset[str]:
    """This machine's CPU flags, read once per process."""
    return cpu_flags_read()


@functools.cache
def cpu_vendor() -> str:
    """This machine's CPU vendor, read once per process."""
    return cpu_vendor_read()


def has_amx_bf16(flags: Collection[str] | None = None) -> bool:
    return not AMX_BF16.isdisjoint(cpu_flags() if flags is None else flags)


def has_fast_bfloat16(flags: Collection[str] | None = None, vendor: str | None = None) -> bool:
    """AMX, or AMD's AVX-512 BF16: where a bfloat16 forward pass beats float32's."""
    flags = cpu_flags() if flags is None else flags
    vendor = cpu_vendor() if vendor is None else vendor
    return has_amx_bf16(flags) or (vendor == AMD and not AVX512_BF16.isdisjoint(flags))


def has_vnni(flags: Collection[str] | None = None) -> bool:
    return not VNNI.isdisjoint(cpu_flags() if flags is None else flags)
