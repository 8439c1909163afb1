"""IPv4 and IPv6 addresses (validated by ``ipaddress``); not version numbers."""
from __future__ import annotations

import ipaddress

import regex

from ..render import fakes
from .base import Finding

IP = "IP_ADDRESS"
_VERSION_CUE = regex.compile(r"(?i)\b(?:v|version|versión|ver\.?|build|release|firmware|ios|android|python|node)\s*$")

from .idrules import pattern  # noqa: E402


def find_ips(text: str, engine=None) -> list[Finding]:
    out = []
    if "." in text:
        for m in pattern("ipv4").finditer(text):
            try:
                ip = ipaddress.IPv4Address(m.group())
            except ValueError:
                continue
            if _VERSION_CUE.search(text[max(0, m.start() - 12):m.start()]):
                continue
            if fakes.is_documentation_ip(ip) or str(ip) == "0.0.0.0":
                continue
            out.append(Finding(m.start(), m.end(), IP, m.group(), 0.95, "ip", {"version": 4}))
    if text.count(":") >= 2:
        for m in pattern("ipv6").finditer(text):
            addr = m.group().split("/")[0]
            try:
                ip = ipaddress.IPv6Address(addr)
            except ValueError:
                continue
            if fakes.is_documentation_ip(ip) or addr.count(":") < 2 or ip.is_unspecified:
                continue
            if not any(c.isalpha() for c in addr) and "::" not in addr and addr.count(":") < 7:
                continue  # 12:30:45 is a time
            out.append(Finding(m.start(), m.end(), IP, m.group(), 0.95, "ip", {"version": 6}))
    return out


def render_ip(f: Finding, engine) -> str:
    return fakes.fake_ip(engine.pmap, f.text)
