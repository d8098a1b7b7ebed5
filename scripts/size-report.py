#!/usr/bin/env python3
"""Lists main classes over 300 lines and methods over 60 lines (the limits docs/architecture.md sets).

Usage: scripts/size-report.py [repo root]. Reads */src/main/java/**/*.java as text: a method is a
member line (a signature followed by an opening brace) through its matching closing brace; braces in
strings, chars and comments are skipped.
"""
import os
import re
import sys

SIG = re.compile(
    r"^\s+(?:(?:public|protected|private|static|final|synchronized|abstract|default|native)\s+)*"
    r"(?:<[^>]+>\s+)?[\w.<>\[\], ?]+\s+(\w+)\s*\([^;]*$"
)
CTOR = re.compile(r"^\s+(?:(?:public|protected|private)\s+)?([A-Z]\w*)\s*\([^;]*$")
KEYWORDS = {"if", "for", "while", "switch", "catch", "synchronized", "try", "return", "new", "else"}


def code_only(line, state):
    """The line without strings, chars and comments; state carries an open block comment."""
    out, i = [], 0
    while i < len(line):
        if state["block"]:
            end = line.find("*/", i)
            if end < 0:
                return "".join(out)
            state["block"], i = False, end + 2
            continue
        c = line[i]
        if line.startswith("//", i):
            break
        if line.startswith("/*", i):
            state["block"], i = True, i + 2
            continue
        if c in "\"'":
            j = i + 1
            while j < len(line) and line[j] != c:
                j += 2 if line[j] == "\\" else 1
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def methods(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    state = {"block": False}
    code = [code_only(l, state) for l in lines]
    found, i = [], 0
    while i < len(code):
        m = SIG.match(code[i]) or CTOR.match(code[i])
        if m and m.group(1) not in KEYWORDS and "=" not in code[i].split("(")[0]:
            # the signature may span lines up to its opening brace
            j, depth, opened = i, 0, False
            while j < len(code):
                for ch in code[j]:
                    if ch == "{":
                        depth, opened = depth + 1, True
                    elif ch == "}":
                        depth -= 1
                if opened and depth <= 0:
                    break
                if not opened and code[j].rstrip().endswith(";"):
                    break
                j += 1
            if opened:
                found.append((m.group(1), i + 1, j - i + 1))
                i = j + 1
                continue
        i += 1
    return found, len(lines)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    big_classes, long_methods = [], []
    for d, _, files in os.walk(root):
        if "/src/main/java" not in d.replace(os.sep, "/") + "/" or "/target/" in d:
            continue
        for f in files:
            if f.endswith(".java"):
                p = os.path.join(d, f)
                ms, n = methods(p)
                rel = os.path.relpath(p, root)
                if n > 300:
                    big_classes.append((n, rel))
                long_methods += [(length, f"{rel}:{line} {name}") for name, line, length in ms if length > 60]
    print(f"main classes over 300 lines: {len(big_classes)}")
    for n, rel in sorted(big_classes, reverse=True):
        print(f"  {n:5d} {rel}")
    print(f"methods over 60 lines: {len(long_methods)}")
    for n, where in sorted(long_methods, reverse=True):
        print(f"  {n:5d} {where}")


if __name__ == "__main__":
    main()
