#!/usr/bin/python3
"""Scans the suite's log files for what must never reach a log: card
numbers (13 to 19 digits, spaces or dashes between them allowed, passing
Luhn), card tokens (tok_...), e-mail addresses and telephone numbers.
Prints each finding as file:line and the kind (never the value itself) and
exits 1 when there is any.

    tests/e2e/scan_logs.py DIR_WITH_LOG_FILES
"""
import os
import re
import sys

# A whole run of digits (not part of an id such as a UUID's groups).
CARD = re.compile(r"(?<![0-9A-Za-z-])[0-9](?:[ -]?[0-9]){12,18}(?![0-9A-Za-z]|-[0-9A-Za-z]| [0-9])")
TOKEN = re.compile(r"tok_[A-Za-z0-9_]+")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?<![0-9A-Za-z.-])(?:\+?1[ .-])?(?:\([0-9]{3}\) ?|[0-9]{3}[ .-])?[0-9]{3}[ .-][0-9]{4}(?![0-9A-Za-z]|[.-][0-9A-Za-z])")


def luhn(digits):
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def findings(line):
    for m in CARD.finditer(line):
        digits = re.sub(r"[ -]", "", m.group(0))
        if 13 <= len(digits) <= 19 and luhn(digits):
            yield "card number"
    if TOKEN.search(line):
        yield "card token"
    if EMAIL.search(line):
        yield "e-mail address"
    if PHONE.search(line):
        yield "telephone number"


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    root = sys.argv[1]
    found = scanned = 0
    for name in sorted(os.listdir(root)):
        if not name.endswith(".log"):
            continue
        with open(os.path.join(root, name), encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                scanned += 1
                for kind in findings(line):
                    found += 1
                    print(f"{name}:{number}: {kind}")
    print(f"{scanned} log lines scanned, {found} findings")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
