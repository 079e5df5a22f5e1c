"""Korean business registration numbers (사업자등록번호): normalising and the National Tax Service checksum."""

from __future__ import annotations

import re

# Weights of the NTS check-digit rule for the first nine digits.
_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
_SEPARATORS = re.compile(r"[\s\-‐‑–—.]")


class BrnError(ValueError):
    """A business registration number that is malformed or fails its checksum."""

    def __init__(self, message_en: str, message_ko: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_ko = message_ko


def check_digit(first_nine: str) -> int:
    """The tenth digit the NTS rule gives for the first nine digits."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError("check_digit needs exactly nine digits")
    digits = [int(c) for c in first_nine]
    total = sum(d * w for d, w in zip(digits, _WEIGHTS, strict=True))
    # The ninth digit times 5 adds its tens as well (the rule's one irregular step).
    total += (digits[8] * 5) // 10
    return (10 - total % 10) % 10


def format_brn(digits: str) -> str:
    """Ten digits as the usual 123-45-67890 form."""
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def normalise_brn(value: object) -> str:
    """Validate a registration number and return it as 123-45-67890; raises BrnError."""
    text = "" if value is None else str(value).strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Spreadsheets turn 1234567890 into a number and drop leading zeros.
        text = str(int(value)).zfill(10)
    digits = _SEPARATORS.sub("", text)
    if not digits:
        raise BrnError("registration number is empty", "사업자등록번호가 비어 있습니다")
    if not digits.isdigit() or len(digits) != 10:
        raise BrnError(
            f"registration number {text!r} must have 10 digits (123-45-67890)",
            f"사업자등록번호 {text!r}는 10자리 숫자여야 합니다 (123-45-67890)",
        )
    if check_digit(digits[:9]) != int(digits[9]):
        raise BrnError(
            f"registration number {format_brn(digits)}: checksum fails",
            f"사업자등록번호 {format_brn(digits)}: 검증번호가 맞지 않습니다",
        )
    return format_brn(digits)


def is_valid_brn(value: object) -> bool:
    """Whether a registration number is well formed and passes the checksum."""
    try:
        normalise_brn(value)
    except BrnError:
        return False
    return True


def make_brn(first_nine: str) -> str:
    """A valid registration number from nine digits (for samples and tests)."""
    return format_brn(first_nine + str(check_digit(first_nine)))
