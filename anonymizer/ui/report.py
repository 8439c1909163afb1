"""Review before you publish: the HTML report (the progress bar, summary and dry run are in
:mod:`anonymizer.ui.console`).

:func:`build_report` turns an engine :class:`~anonymizer.pipeline.engine.Result` (plus the parsed
records of the ORIGINAL text, for structure) into one self-contained HTML page: the
anonymised conversation as chat bubbles by pseudonym, every replaced span highlighted by
kind with a tooltip (kind, detector, score), a legend of pseudonyms with message counts,
the low-confidence detections to review, and totals per kind.  No external asset, no
network (a Content-Security-Policy forbids both).  Real values are written only with
``reveal=True``; without it the page holds nothing but the anonymised text.

Highlight positions: a :class:`Replacement` has offsets inside the record's ORIGINAL raw;
in the new raw (``result.texts[i]``) the replacement starts at ``start`` plus the length
change of every earlier replacement of that record.
"""
from __future__ import annotations

import html
import os
import sys
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass

from ..formats.base import MESSAGE, META, SYSTEM, Record, Replacement

from ..pipeline.run import LOW_SCORE

KIND_ORDER = ("PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "URL")
KIND_LABEL = {"PERSON": "person", "PHONE_NUMBER": "phone number", "EMAIL_ADDRESS": "e-mail",
              "URL": "URL"}
_INVISIBLE = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"


# --------------------------------------------------------------------------- positions
@dataclass
class Highlight:
    start: int          # offsets in the record's NEW raw
    end: int
    rep: Replacement
    number: int         # 1-based, in document order


def highlights_by_record(result) -> dict[int, list[Highlight]]:
    """Replacements grouped by record, with their offsets in the new text."""
    by_rec: dict[int, list[Replacement]] = defaultdict(list)
    for ri, rep in result.replacements:
        by_rec[ri].append(rep)
    out: dict[int, list[Highlight]] = {}
    n = 0
    for ri in sorted(by_rec):
        shift = 0
        hls = []
        for rep in sorted(by_rec[ri], key=lambda r: r.start):
            s = rep.start + shift
            hls.append(Highlight(s, s + len(rep.new), rep, 0))
            shift += len(rep.new) - (rep.end - rep.start)
        for h in hls:
            n += 1
            h.number = n
        out[ri] = hls
    return out


def _mapper(hls: list[Highlight]):
    """Map an offset of the original raw that is not inside a replacement to the new raw."""
    def new_pos(o: int) -> int:
        shift = 0
        for h in hls:
            if h.rep.end <= o:
                shift += len(h.rep.new) - (h.rep.end - h.rep.start)
        return o + shift
    return new_pos


def kind_label(kind: str) -> str:
    return KIND_LABEL.get(kind, kind.replace("_", " ").lower())


def _e(s: str) -> str:
    return html.escape(s, quote=True)


def _tip(rep: Replacement, reveal: bool) -> str:
    tip = f"{rep.kind} · detector: {rep.detector or '?'} · score: {rep.score:.2f}"
    if reveal:
        tip += f" · was: {rep.original}"
    return tip


def _segment(text: str, s: int, e: int, hls: list[Highlight], reveal: bool,
             emitted: set[int], low: float) -> str:
    """HTML of ``text[s:e]`` with the highlights that start inside it."""
    out = []
    pos = s
    for h in hls:
        if h.start < s or h.start >= e or h.number in emitted:
            continue
        out.append(_e(text[pos:h.start]))
        r = h.rep
        cls = f"hl k-{_e(r.kind)}" + (" low" if r.score < low else "")
        tip = _tip(r, reveal)
        out.append(f'<mark class="{cls}" id="h{h.number}" tabindex="0" data-kind="{_e(r.kind)}" '
                   f'data-detector="{_e(r.detector)}" data-score="{r.score:.2f}" '
                   f'data-tip="{_e(tip)}" aria-label="{_e(tip)}">{_e(text[h.start:h.end])}</mark>')
        emitted.add(h.number)
        pos = max(pos, h.end)
    out.append(_e(text[pos:e]))
    return "".join(out)


def _hue(label: str) -> int:
    return zlib.crc32(label.encode("utf-8")) % 360


def _strip_lead(text: str, pos: int, end: int, hls: list[Highlight]) -> int:
    """Skip the ': ' and bidi marks that separate a sender from the message."""
    first = min((h.start for h in hls if h.start >= pos), default=end)
    while pos < min(end, first) and (text[pos] in ": \t" or text[pos] in _INVISIBLE):
        pos += 1
    return pos


def _eol_end(text: str) -> int:
    end = len(text)
    while end and text[end - 1] in "\r\n":
        end -= 1
    return end


# --------------------------------------------------------------------------- the page
_CSS = """
:root{--bg:#efeae2;--panel:#fff;--ink:#1f2328;--muted:#667085;--bubble:#fff;--line:#e4e0da;
--PERSON:#ffd76a;--PHONE_NUMBER:#9ee0b4;--EMAIL_ADDRESS:#a9cdfc;--URL:#e7b7f5;--other:#f7b0a8}
@media (prefers-color-scheme:dark){:root{--bg:#0b141a;--panel:#111b21;--ink:#e9edef;
--muted:#8696a0;--bubble:#1f2c33;--line:#2a3942;--PERSON:#8a6d12;--PHONE_NUMBER:#1f6b3c;
--EMAIL_ADDRESS:#1d4f8f;--URL:#6b2f80;--other:#80352c}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;
background:var(--bg);color:var(--ink)}
header.top{padding:14px 22px;background:#075e54;color:#fff;display:flex;flex-wrap:wrap;
gap:8px 24px;align-items:baseline}
header.top h1{font-size:19px;margin:0}
header.top .facts{opacity:.9;font-size:14px}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;font-size:12px;font-weight:600}
.badge.reveal{background:#b42318;color:#fff}.badge.safe{background:#d1fadf;color:#05603a}
.wrap{display:grid;grid-template-columns:minmax(240px,320px) minmax(0,1fr);gap:18px;
padding:18px 22px;max-width:1280px;margin:0 auto}
@media (max-width:760px){.wrap{grid-template-columns:1fr}}
aside{position:sticky;top:12px;align-self:start;max-height:calc(100vh - 24px);overflow:auto;
display:flex;flex-direction:column;gap:14px}
.card{background:var(--panel);border-radius:10px;padding:12px 14px;
box-shadow:0 1px 2px rgba(0,0,0,.12)}
.card h2{font-size:13px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);
margin:0 0 8px}
.totals{display:flex;flex-direction:column;gap:6px}
.totals label{display:flex;align-items:center;gap:8px;cursor:pointer}
.totals .n{margin-left:auto;font-variant-numeric:tabular-nums;font-weight:600}
.sw{display:inline-block;width:12px;height:12px;border-radius:3px;flex:none}
.legend{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:4px}
.legend li{display:flex;gap:8px;align-items:center}
.legend .n{margin-left:auto;color:var(--muted);font-variant-numeric:tabular-nums}
.review{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:8px;
font-size:13px}
.review a{color:inherit;text-decoration:none;display:block;padding:6px 8px;border-radius:6px;
border:1px solid var(--line)}
.review a:hover{background:rgba(0,0,0,.04)}
.review .meta{color:var(--muted);font-size:12px}
.ctx{white-space:pre-wrap;word-break:break-word}
.ctx b{font-weight:600;background:var(--other);border-radius:3px;padding:0 2px}
.empty{color:var(--muted);font-size:13px;margin:0}
main#chat{display:flex;flex-direction:column;gap:6px;min-width:0}
.msg{background:var(--bubble);border-radius:0 10px 10px 10px;padding:6px 10px 4px;
max-width:min(640px,92%);box-shadow:0 1px 1px rgba(0,0,0,.13);position:relative;
border-left:4px solid hsl(var(--h) 55% 45%)}
.msg .who{font-weight:600;font-size:13.5px;color:hsl(var(--h) 60% 35%)}
@media (prefers-color-scheme:dark){.msg .who{color:hsl(var(--h) 65% 68%)}}
.msg .body,.note .body{white-space:pre-wrap;word-break:break-word}
.msg .ts{float:right;margin:4px 0 0 12px;font-size:11px;color:var(--muted)}
.sys{align-self:center;background:#e1f2fb;color:#394b59;border-radius:8px;padding:4px 10px;
font-size:13px;max-width:90%;text-align:center;white-space:pre-wrap}
@media (prefers-color-scheme:dark){.sys{background:#182229;color:#b0bec5}}
.sys .ts{color:var(--muted);font-size:11px;margin-right:6px}
.note{align-self:stretch;background:transparent;border:1px dashed var(--line);border-radius:8px;
padding:4px 10px;font-size:13px;color:var(--muted)}
.note.meta .line{white-space:pre-wrap;word-break:break-word}
.note.text{color:var(--ink);background:var(--bubble);border-style:solid}
mark.hl{background:var(--other);color:inherit;border-radius:4px;padding:0 2px;position:relative;
cursor:help;outline-offset:1px}
mark.k-PERSON{background:var(--PERSON)}mark.k-PHONE_NUMBER{background:var(--PHONE_NUMBER)}
mark.k-EMAIL_ADDRESS{background:var(--EMAIL_ADDRESS)}mark.k-URL{background:var(--URL)}
mark.low{outline:2px dashed #d92d20}
mark.hl:hover::after,mark.hl:focus::after{content:attr(data-tip);position:absolute;left:0;
bottom:calc(100% + 6px);z-index:10;white-space:nowrap;background:#1d2939;color:#fff;
font:12px/1.3 system-ui,sans-serif;padding:5px 8px;border-radius:6px;pointer-events:none;
box-shadow:0 2px 8px rgba(0,0,0,.25)}
body.off-PERSON mark.k-PERSON,body.off-PHONE_NUMBER mark.k-PHONE_NUMBER,
body.off-EMAIL_ADDRESS mark.k-EMAIL_ADDRESS,body.off-URL mark.k-URL{background:transparent;
outline:none}
:target{animation:flash 1.6s ease-out}
@keyframes flash{0%{box-shadow:0 0 0 4px #f79009}100%{box-shadow:0 0 0 0 transparent}}
footer{color:var(--muted);font-size:12px;text-align:center;padding:10px 0 24px}
"""

_JS = """
document.querySelectorAll('input[data-kind]').forEach(function (box) {
  box.addEventListener('change', function () {
    document.body.classList.toggle('off-' + box.dataset.kind, !box.checked);
  });
});
"""


def _kind_color(kind: str) -> str:
    return f"var(--{kind})" if kind in KIND_LABEL else "var(--other)"


def build_report(result, records: list[Record] | None = None, *, reveal: bool = False,
                 low: float = LOW_SCORE, source_name: str | None = None,
                 seconds: float | None = None) -> str:
    """The review page for one run (a str of HTML).

    ``records``: the parsed ORIGINAL records (``anonymizer.formats.parse``), for timestamps,
    senders and system lines; without them every record is shown as plain text.
    ``source_name`` is shown only with ``reveal`` (a file name may hold a real name).
    """
    texts = list(result.texts)
    if records is not None and len(records) != len(texts):
        records = None
    hls = highlights_by_record(result)
    emitted: set[int] = set()
    senders: Counter = Counter()
    hue_of: dict[str, int] = {}
    chat: list[str] = []
    in_meta = False
    starts: dict[int, int] = {}  # where each record's message text begins (new raw)
    for ri, new in enumerate(texts):
        rh = hls.get(ri, [])
        rec = records[ri] if records is not None else None
        is_meta = rec is not None and rec.kind == META
        if is_meta != in_meta:  # consecutive metadata lines share one box
            chat.append('<div class="note meta">' if is_meta else '</div>')
            in_meta = is_meta
        chat.append(_render_record(ri, new, rec, rh, reveal, emitted, low, senders, hue_of, starts))
    if in_meta:
        chat.append('</div>')
    # a highlight outside every displayed part would break "one mark per replacement":
    # show it rather than lose it
    missing = [h for lst in hls.values() for h in lst if h.number not in emitted]
    for h in missing:
        ri = next(k for k, v in hls.items() if h in v)
        chat.append(f'<div class="note">record {ri + 1}: '
                    f'{_segment(texts[ri], h.start, h.end, [h], reveal, emitted, low)}</div>')

    counts = Counter(rep.kind for _, rep in result.replacements)
    detectors: dict[str, Counter] = defaultdict(Counter)
    for _, rep in result.replacements:
        detectors[rep.kind][rep.detector or "?"] += 1
    kinds = [k for k in KIND_ORDER] + sorted(k for k in counts if k not in KIND_ORDER)
    total = sum(counts.values())

    # totals per kind (checkboxes toggle the highlighting)
    trows = []
    for k in kinds:
        by = ", ".join(f"{d} {n}" for d, n in detectors[k].most_common())
        trows.append(
            f'<label title="{_e(by)}"><input type="checkbox" checked data-kind="{_e(k)}">'
            f'<span class="sw" style="background:{_kind_color(k)}"></span>'
            f'{_e(kind_label(k))}<span class="n" data-total="{_e(k)}">{counts.get(k, 0)}</span>'
            f'</label>')
    # legend of pseudonyms
    if senders:
        lrows = "".join(
            f'<li><span class="sw" style="background:hsl({hue_of[s]} 55% 45%)"></span>'
            f'<span class="who">{_e(s)}</span><span class="n">{n}</span></li>'
            for s, n in sorted(senders.items(), key=lambda kv: (-kv[1], kv[0])))
        legend = f'<ul class="legend">{lrows}</ul>'
    else:
        legend = '<p class="empty">No sender labels in this file.</p>'
    # review list
    review_items = []
    for ri in sorted(hls):
        for h in hls[ri]:
            if h.rep.score >= low:
                continue
            r = h.rep
            new = texts[ri]
            a = max(starts.get(ri, 0), h.start - 45, new.rfind("\n", 0, h.start) + 1)
            if a > h.start:
                a = max(0, h.start - 45)
            nl = new.find("\n", h.end)
            b = min(len(new) if nl < 0 else nl, h.end + 45)
            pre = "…" if a > starts.get(ri, 0) and new[a - 1] != "\n" else ""
            post = "…" if b < _eol_end(new) and new[b] != "\n" else ""
            ctx = (pre + _e(new[a:h.start]) + "<b>" + _e(new[h.start:h.end]) + "</b>"
                   + _e(new[h.end:b]) + post)
            ts = records[ri].timestamp if records is not None and records[ri].timestamp else ""
            was = f' · was <b>{_e(r.original)}</b>' if reveal else ""
            review_items.append(
                f'<li><a href="#h{h.number}"><div class="meta">{_e(kind_label(r.kind))}'
                f' · {_e(r.detector or "?")} · score {r.score:.2f}'
                f'{" · " + _e(ts) if ts else ""}{was}</div>'
                f'<div class="ctx">{ctx.strip()}</div></a></li>')
    if review_items:
        review = f'<ol class="review">{"".join(review_items)}</ol>'
    else:
        review = f'<p class="empty">Every replacement scored {low:.2f} or more.</p>'

    secs = result.seconds if seconds is None else seconds
    facts = (f"{_e(result.format)} · {_e(result.language)} · {result.messages} messages · "
             f"{total} replacements · {secs:.2f}s")
    name = f" — {_e(os.path.basename(source_name))}" if (reveal and source_name) else ""
    badge = ('<span class="badge reveal">REAL VALUES SHOWN — do not share</span>' if reveal
             else '<span class="badge safe">anonymised only — safe to share</span>')
    csp = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Anonymisation review{name}</title>
<style>{_CSS}</style></head>
<body data-reveal="{'yes' if reveal else 'no'}" data-replacements="{total}">
<header class="top"><h1>Anonymisation review{name}</h1><span class="facts">{facts}</span>{badge}</header>
<div class="wrap">
<aside>
<section class="card"><h2>Replaced, by kind ({total})</h2><div class="totals">{"".join(trows)}</div></section>
<section class="card"><h2>Pseudonyms ({len(senders)})</h2>{legend}</section>
<section class="card"><h2>To review: score below {low:.2f} ({len(review_items)})</h2>{review}</section>
</aside>
<main id="chat">{"".join(chat)}</main>
</div>
<footer>Hover or focus a highlight for its kind, detector and score. Dashed outline: low confidence.
Generated by anonymize --report{' --reveal' if reveal else ''}.</footer>
<script>{_JS}</script>
</body></html>
"""


def _render_record(ri, new, rec, hls, reveal, emitted, low, senders, hue_of, starts) -> str:
    end = _eol_end(new)
    if rec is None:
        body = _segment(new, 0, end, hls, reveal, emitted, low)
        return f'<div class="note text" id="m{ri}"><div class="body">{body}</div></div>'
    pos = _mapper(hls)
    ts = _e(rec.timestamp) if rec.timestamp else ""
    start = pos(rec.header.end) if rec.header is not None else 0
    if rec.kind == MESSAGE and rec.sender is not None:
        s0, s1 = pos(rec.sender.start), pos(rec.sender.end)
        label = new[s0:s1]
        who = _segment(new, s0, s1, hls, reveal, emitted, low)
        # anything between the header and the sender (a ~ or a bidi mark) carries no highlight
        b0 = _strip_lead(new, s1, end, hls)
        starts[ri] = b0
        body = _segment(new, b0, end, hls, reveal, emitted, low)
        senders[label] += 1
        h = hue_of.setdefault(label, _hue(label))
        return (f'<div class="msg" id="m{ri}" style="--h:{h}"><div class="who">{who}</div>'
                f'<div class="body">{body}<span class="ts">{ts}</span></div></div>')
    if rec.kind == SYSTEM or (rec.header is not None):
        b0 = _strip_lead(new, start, end, hls)
        starts[ri] = b0
        body = _segment(new, b0, end, hls, reveal, emitted, low)
        tsh = f'<span class="ts">{ts}</span>' if ts else ""
        return f'<div class="sys" id="m{ri}">{tsh}{body}</div>'
    body = _segment(new, 0, end, hls, reveal, emitted, low)
    if rec.kind == META:
        return f'<div class="line" id="m{ri}">{body or "&nbsp;"}</div>'
    return f'<div class="note text" id="m{ri}"><div class="body">{body}</div></div>'


def reveal_warning(path: str) -> str:
    return (f"anonymize: warning: --reveal writes the REAL names, numbers, URLs and e-mails into "
            f"{path}; keep it private (it is written with mode 0600) and do not publish it")


def write_report(path: str, html_text: str, reveal: bool):
    from pathlib import Path

    from ..io import atomic_write_bytes
    atomic_write_bytes(Path(path), html_text.encode("utf-8"), 0o600 if reveal else 0o644)
    if reveal:
        sys.stderr.write(reveal_warning(path) + "\n")
