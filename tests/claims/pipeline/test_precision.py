"""The MiniLM encoders' arithmetic, chosen by what the CPU multiplies fast."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims.pipeline.cpu import cpu_flags_read, cpu_vendor_read
from claims.pipeline.embeddings import precision_resolve

AVX2 = {"fpu", "sse4_2", "avx2", "fma"}
AVX512_BF16_VNNI = AVX2 | {"avx512f", "avx512_vnni", "avx512_bf16"}
AMX = AVX512_BF16_VNNI | {"amx_bf16", "amx_int8", "amx_tile"}
INTEL, AMD = "GenuineIntel", "AuthenticAMD"


@pytest.mark.parametrize(
    ("flags", "vendor", "embedding", "checkworthiness"),
    [
        (AVX2, INTEL, "float32", "float32"),
        (AVX2, AMD, "float32", "float32"),
        (AVX2 | {"avx_vnni"}, INTEL, "float32", "int8"),
        (AVX512_BF16_VNNI, INTEL, "float32", "int8"),
        (AVX512_BF16_VNNI, AMD, "bfloat16", "int8"),
        (AMX, INTEL, "bfloat16", "bfloat16"),
        (set(), "", "float32", "float32"),
    ],
)
def test_auto_is_bfloat16_where_it_is_fast_and_int8_with_vnni_for_the_scorer_alone(
    flags: set[str], vendor: str, embedding: str, checkworthiness: str
) -> None:
    assert precision_resolve("auto", flags=flags, vendor=vendor) == embedding
    assert (
        precision_resolve("auto", flags=flags, vendor=vendor, int8_with_vnni=True)
        == checkworthiness
    )


def test_a_named_precision_is_taken_whatever_the_cpu() -> None:
    assert precision_resolve("bfloat16", flags=AVX2) == "bfloat16"
    assert precision_resolve("int8", flags=set()) == "int8"
    assert precision_resolve("float32", flags=AMX, int8_with_vnni=True) == "float32"


def test_the_flags_are_read_from_cpuinfo(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(
        "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: Some CPU\n"
        "flags\t\t: fpu avx2 avx512_bf16 avx512_vnni\nbugs\t\t: spectre_v1\n"
        "processor\t: 1\nvendor_id\t: GenuineIntel\nflags\t\t: fpu\n"
    )

    flags, vendor = cpu_flags_read(cpuinfo), cpu_vendor_read(cpuinfo)

    assert flags == {"fpu", "avx2", "avx512_bf16", "avx512_vnni"}
    assert vendor == AMD
    assert precision_resolve("auto", flags=flags, vendor=vendor, int8_with_vnni=True) == "int8"
    assert precision_resolve("auto", flags=flags, vendor=vendor) == "bfloat16"
    assert cpu_flags_read(tmp_path / "missing") == frozenset()
    assert cpu_vendor_read(tmp_path / "missing") == ""
