"""Masking for lists and screens: enough to recognise a record, not enough to misuse it.

- ID number (身份证): 18 characters keep the first 6 (region) and last 4:
  ``440305********351X``; 15 characters (the old form) keep 6 and 3, hiding the birth date;
  anything else keeps at most its last 4, and only when 8 or more characters are hidden.
- Phone: a mobile number (11 digits or more) keeps the first 3 and last 4 digits
  (``138****5678``; a country code 86 / 0086 before it stays too); 8 to 10 digits keep the
  last 4; shorter numbers are all masked.
  Spaces, ``+``, ``-`` and brackets stay where they are; any other character is masked.
- Name: the first character stays, every other one becomes ``*`` (``张*``, ``欧**``); a
  middle dot (阿依古丽·买买提) stays; a one-character name is ``*``.

Every mask keeps the length of what it masks (a surrounding space is stripped first) and
never shows a character that the rules above do not.
"""

from __future__ import annotations

STAR = "*"
_PHONE_PUNCT = frozenset(" +-()")


def mask_id(value: str | None) -> str:
    if not value:
        return ""
    s = value.strip()
    n = len(s)
    if n == 18:
        return s[:6] + STAR * 8 + s[-4:]
    if n == 15:
        return s[:6] + STAR * 6 + s[-3:]
    if n >= 12:
        return STAR * (n - 4) + s[-4:]
    return STAR * n


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    s = value.strip()
    digits = [i for i, c in enumerate(s) if c.isdigit()]
    number = "".join(s[i] for i in digits)
    country = 4 if number.startswith("0086") and len(number) == 15 else (
        2 if number.startswith("86") and len(number) == 13 else 0)
    d = len(digits) - country
    shown: set[int] = set(digits[:country])
    if d >= 8:
        shown.update(digits[-4:])
    if d >= 11:
        shown.update(digits[country:country + 3])
    return "".join(c if (i in shown or c in _PHONE_PUNCT) else STAR for i, c in enumerate(s))


def mask_name(value: str | None) -> str:
    if not value:
        return ""
    s = value.strip()
    if len(s) <= 1:
        return STAR * len(s)
    return s[0] + "".join(c if c in "·•・" else STAR for c in s[1:])
