"""GPS coordinates written in text (decimal degrees, degrees-minutes-seconds)."""
from __future__ import annotations

from ..render import fakes
from .base import Finding
from .idrules import has_context, pattern
from ..textutil import has_digit

GPS = "GPS_COORDINATES"


def _num(s: str) -> float:
    return float(s.replace("−", "-"))


def find_gps(text: str, engine=None) -> list[Finding]:
    if not has_digit(text):
        return []
    out = []
    for m in pattern("gps_decimal").finditer(text):
        lat, lon = _num(m.group("lat")), _num(m.group("lon"))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            continue
        sep = text[m.end("lat"):m.start("lon")]
        decimals = min(len(m.group("lat").split(".")[1]), len(m.group("lon").split(".")[1]))
        ctx = has_context(text, m.start(), m.end(), "ChatGpsRecognizer", 40, 10)
        hemis = m.group("ns") or m.group("ew")
        if not ("," in sep or ";" in sep or "/" in sep or hemis or ctx):
            continue  # "48.8566 2.3522" only with a cue
        if decimals < 4 and not (ctx or hemis):
            continue
        out.append(Finding(m.start(), m.end(), GPS, m.group(), 0.95, "gps", {"form": "decimal"}))
    for m in pattern("gps_dms").finditer(text):
        out.append(Finding(m.start(), m.end(), GPS, m.group(), 0.95, "gps", {"form": "dms"}))
    return out


def _fmt_like(original: str, value: float) -> str:
    decimals = len(original.split(".")[1]) if "." in original else 0
    sign = "−" if "−" in original else "-"
    s = f"{abs(value):.{decimals}f}"
    if value < 0:
        return sign + s
    return ("+" + s) if original.startswith("+") else s


def render_gps(f: Finding, engine) -> str:
    dlat, dlon = fakes.gps_offset(engine.pmap)
    m = pattern("gps_decimal" if f.data["form"] == "decimal" else "gps_dms").fullmatch(f.text)
    if m is None:
        return f.text
    parts: list[tuple[int, int, str]] = []
    if f.data["form"] == "decimal":
        lat, lon = _num(m.group("lat")), _num(m.group("lon"))
        nlat = max(-89.9, min(89.9, lat + dlat))
        nlon = ((lon + dlon + 180) % 360) - 180
        parts = [(m.start("lat"), m.end("lat"), _fmt_like(m.group("lat"), nlat)),
                 (m.start("lon"), m.end("lon"), _fmt_like(m.group("lon"), nlon))]
    else:
        for i, d in ((1, dlat), (2, dlon)):
            deg, mins = int(m.group(f"d{i}")), int(m.group(f"m{i}"))
            sec_s = m.group(f"s{i}")
            sec = float(sec_s.replace(",", ".")) if sec_s else 0.0
            hemi = m.group(f"h{i}")
            neg = hemi in ("S", "W", "O")
            val = (deg + mins / 60 + sec / 3600) * (-1 if neg else 1) + d
            val = max(-89.9, min(89.9, val)) if i == 1 else ((val + 180) % 360) - 180
            a = abs(val)
            nd = int(a)
            nm = int((a - nd) * 60)
            ns = (a - nd - nm / 60) * 3600
            parts.append((m.start(f"d{i}"), m.end(f"d{i}"), str(nd)))
            parts.append((m.start(f"m{i}"), m.end(f"m{i}"), f"{nm:0{len(m.group(f'm{i}'))}d}"))
            if sec_s:
                dec = len(sec_s.replace(",", ".").split(".")[1]) if any(c in sec_s for c in ".,") else 0
                txt = f"{ns:0{(3 + dec) if dec else 2}.{dec}f}"
                parts.append((m.start(f"s{i}"), m.end(f"s{i}"), txt.replace(".", ",") if "," in sec_s else txt))
            if (val < 0) != neg:
                newh = {"N": "S", "S": "N", "E": "W", "W": "E", "O": "E"}[hemi]
                parts.append((m.start(f"h{i}"), m.end(f"h{i}"), newh))
    out = f.text
    for s, e, new in sorted(parts, reverse=True):
        out = out[:s] + new + out[e:]
    return out
