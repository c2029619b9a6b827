"""Reads an ``strace -f`` log for what the privacy rules forbid: network, DNS, stray files."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

# Syscalls the audit traces (strace -e trace=...).
TRACED = (
    "connect,sendto,sendmsg,openat,open,creat,mkdir,mkdirat,rename,renameat,renameat2,"
    "unlink,unlinkat,truncate"
)
_WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")
_OPEN = re.compile(r'\b(openat|open)\((?:AT_FDCWD, )?"([^"]*)", ([A-Z_|]+)[^)]*\) = (-?\d+)')
_PATH_CALL = re.compile(
    r"\b(creat|mkdir|mkdirat|rename|renameat|renameat2|unlink|unlinkat|truncate)"
    r'\((?:AT_FDCWD, |\d+, )?"([^"]*)"[^=]*= (-?\d+)'
)
_INET = re.compile(
    r"sa_family=AF_INET6?, sin6?_port=htons\((\d+)\)"
    r'.*?(?:inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)")'
)
_NET_CALL = re.compile(r"\b(connect|sendto|sendmsg)\(")
# Always fine: the pty, the terminal, the null device, the process's own /proc.
DEVICE_PREFIXES = ("/dev/null", "/dev/pts/", "/dev/ptmx", "/dev/tty", "/proc/")


def _loopback(address: str) -> bool:
    return address.startswith("127.") or address in ("::1", "::ffff:127.0.0.1")


def violations(lines: Iterable[str], allowed: Iterable[Path], cwd: Path) -> list[str]:
    """Every non-loopback send, DNS lookup, or file written outside ``allowed``."""
    allowed_paths = {p.resolve() for p in allowed}
    found: list[str] = []
    for line in lines:
        if "resolv.conf" in line or "/nscd/" in line:
            found.append(f"DNS lookup: {line.strip()}")
            continue
        if _NET_CALL.search(line) and "AF_INET" in line:
            match = _INET.search(line)
            if match is None:
                found.append(f"network: {line.strip()}")
                continue
            port, v4, v6 = match.groups()
            if port == "53":
                found.append(f"DNS lookup: {line.strip()}")
            elif not _loopback(v4 or v6 or ""):
                found.append(f"network: {line.strip()}")
            continue
        path = None
        match = _OPEN.search(line)
        if match is not None:
            _, name, flags, result = match.groups()
            if int(result) >= 0 and any(flag in flags for flag in _WRITE_FLAGS):
                path = name
        else:
            call = _PATH_CALL.search(line)
            if call is not None and int(call.group(3)) >= 0:
                path = call.group(2)
        if path is None or path.startswith(DEVICE_PREFIXES):
            continue
        resolved = (cwd / path).resolve()
        if resolved not in allowed_paths:
            found.append(f"file written: {resolved} ({line.strip()})")
    return found
