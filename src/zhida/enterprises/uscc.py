"""统一社会信用代码 (USCC) per GB 32100-2015: validation and generation of valid codes.

Layout (18 characters): 1 registration authority · 2 entity type · 3-8 region code (GB/T 2260)
· 9-17 organization code (主体标识码, GB 11714: 8 body chars + its own check char) · 18 check char.
The check char uses the 31-character alphabet below (no I O S V Z).
"""

from __future__ import annotations

import numpy as np

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 11714 organization code: body chars 0-9 A-Z (value 10..35), weights, mod 11 → 0-9 or X.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# Registration authority (1st char) → allowed type codes (2nd char), per GB 32100-2015 annex.
AUTHORITIES: dict[str, str] = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
    "2": "19",  # 外交
    "3": "129",  # 司法行政
    "4": "19",  # 文化
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游
    "7": "19",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 市场监管(工商): 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室
    "N": "12349",  # 农业: 农村集体经济组织
    "Y": "1",  # 其他
}


class USCCError(ValueError):
    """Why a string is not a valid USCC: ``tag`` a short machine tag, ``zh`` the reason in Chinese."""

    def __init__(self, tag: str, message: str, zh: str):
        self.tag = tag
        self.zh = zh
        super().__init__(message)

    @property
    def why(self) -> str:
        """The Chinese reason without the field's name (统一社会信用代码“X”校验位错误 reads on)."""
        return self.zh.removeprefix("统一社会信用代码")


def normalize(code: str) -> str:
    """Strip blanks and upper-case (people type lower case and spaces; the code itself has none)."""
    return "".join(str(code).split()).upper()


def check_char(first17: str) -> str:
    """The 18th character for the first 17 (GB 32100-2015 §4.3): 31 − (Σ mod 31), 31 → 0."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_check_char(body8: str) -> str:
    """GB 11714 check character of an 8-character organization-code body."""
    total = sum(int(c, 36) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def validate(code: str) -> str:
    """Return the normalized code or raise USCCError (length, charset, region digits, check char).

    Unlike python-stdnum, a letter in the first two positions is accepted: GB 32100 assigns
    letters to authorities (A 军队, N 农业, Y 其他).
    """
    return check_normalized(normalize(code))


def check_normalized(value: str) -> str:
    """``value`` itself if it is a valid code as written (no blanks removed), else USCCError."""
    if len(value) != 18:
        raise USCCError("length", f"must be 18 characters, got {len(value)}",
                        f"统一社会信用代码应为18位，实际为{len(value)}位")
    bad = "".join(sorted({c for c in value if c not in _VALUE}))
    if bad:
        raise USCCError("charset", f"characters not allowed in a USCC: {bad} (no I, O, S, V, Z)",
                        f"统一社会信用代码含非法字符: {bad}")
    if not value[2:8].isdigit():
        raise USCCError("charset", f"positions 3-8 must be the 6-digit region code, got {value[2:8]}",
                        "统一社会信用代码第3-8位（行政区划码）应为数字")
    expected = check_char(value[:17])
    if value[17] != expected:
        raise USCCError("check", f"check character is {value[17]}, expected {expected}",
                        f"统一社会信用代码校验位错误（应为 {expected}）")
    return value


def is_valid(code: str) -> bool:
    try:
        validate(code)
    except USCCError:
        return False
    return True


def make(authority: str, entity_type: str, region: str, org_body8: str) -> str:
    """Build a valid code from its parts (the two check characters are computed)."""
    first17 = f"{authority}{entity_type}{region}{org_body8}{org_check_char(org_body8)}"
    if len(first17) != 17:
        raise ValueError(f"parts give {len(first17)} characters, need 17")
    return first17 + check_char(first17)


# --- vectorized generation (numpy) for synthetic populations -----------------------------------

_ALPHABET_BYTES = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)
_USCC_W = np.array(WEIGHTS, dtype=np.int64)
_ORG_W = np.array(_ORG_WEIGHTS, dtype=np.int64)


def generate_many(authority: np.ndarray, entity_type: np.ndarray, region: np.ndarray,
                  org_serial: np.ndarray) -> np.ndarray:
    """Valid codes as an (n,) array of 18-byte strings.

    authority/entity_type: arrays of single ASCII chars (dtype 'S1'); region: int 6-digit codes;
    org_serial: distinct ints < 10**8 that become the digit body of the organization code
    (distinct serials give distinct codes).
    """
    n = len(org_serial)
    digits = np.empty((n, 18), dtype=np.uint8)
    digits[:, 0] = np.frombuffer(np.asarray(authority, dtype="S1").tobytes(), dtype=np.uint8)
    digits[:, 1] = np.frombuffer(np.asarray(entity_type, dtype="S1").tobytes(), dtype=np.uint8)
    region = np.asarray(region, dtype=np.int64)
    serial = np.asarray(org_serial, dtype=np.int64)
    for i in range(6):
        digits[:, 2 + i] = ord("0") + (region // 10 ** (5 - i)) % 10
    body = np.empty((n, 8), dtype=np.int64)
    for i in range(8):
        body[:, i] = (serial // 10 ** (7 - i)) % 10
    digits[:, 8:16] = ord("0") + body
    org = 11 - (body @ _ORG_W) % 11
    digits[:, 16] = np.where(org == 10, ord("X"), np.where(org == 11, ord("0"), ord("0") + org))
    # Map the 17 ASCII bytes to alphabet values via a lookup table, then weight and sum.
    lookup = np.zeros(256, dtype=np.int64)
    lookup[_ALPHABET_BYTES] = np.arange(31)
    total = lookup[digits[:, :17]] @ _USCC_W
    digits[:, 17] = _ALPHABET_BYTES[(31 - total % 31) % 31]
    return digits.view("S18").reshape(n)
