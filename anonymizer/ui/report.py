"""Review before you publish: the HTML report (the progress bar, summary and dry run are in
:mod:`anonymizer.ui.console`).

:func:`build_report` turns an engine :class:`~anonymizer.pipeline.engine.Result` (plus the parsed
records of the ORIGINAL text, for structure) into one self-contained HTML page: the
anonymised conversation as chat bubbles by pseudonym, every replaced span highlighted by
kind with a tooltip (kind, detector, score), a legend of pseudonyms with message counts,
totals per kind, and what to review: the low-confidence replacements, the values left on
purpose (kept by the policy, accepted by the project, already a pseudonym) and the
capitalised words left that look like names.

Scale: the conversation is not HTML but compact JSON in a data block (``<script
type="application/json">``, never executed), which one small inline script turns into the
page being looked at, :data:`PAGE` records at a time (``#page=N``); the "Flagged only" view
(``#view=flagged``) lists the items to review with their context, paged the same way.  A
100,000-message chat makes a page a few times smaller than its HTML would be, and it opens
in the time it takes to render one page.  No external asset, no network: the
Content-Security-Policy allows no source at all, and only the one script whose SHA-256 it
names.  Real values are written only with ``reveal=True``; without it the page holds
nothing but the anonymised text (what the output holds) and redacted previews.

Highlight positions: a :class:`Replacement` has offsets inside the record's ORIGINAL raw;
in the new raw (``result.texts[i]``) the replacement starts at ``start`` plus the length
change of every earlier replacement of that record.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import sys
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass

from ..formats.base import MESSAGE, META, SYSTEM, Record, Replacement
from ..pipeline.run import LOW_SCORE

KIND_ORDER = ("PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "URL")
KIND_LABEL = {"PERSON": "person", "PHONE_NUMBER": "phone number", "EMAIL_ADDRESS": "e-mail",
              "URL": "URL"}
PAGE = 1000          # records a page
WORDS_SHOWN = 60     # distinct name-like words listed in the side panel (all are in "Flagged")
SENDERS_SHOWN = 200  # pseudonyms listed in the legend
# why a value was left as it is (``left`` items of the data; index = code)
WHY = ("left on purpose (policy, accepted, or already a pseudonym)",
       "capitalised, a known name", "capitalised mid-sentence, not a dictionary word")
_WORD_WHY = {"known name": 1, "not a word": 2}
_INVISIBLE = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
# record types of the data: a plain text note, a message, a system line, a metadata line
T_TEXT, T_MSG, T_SYS, T_META = 0, 1, 2, 3


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
        reps = by_rec[ri]
        for rep in (sorted(reps, key=lambda r: r.start) if len(reps) > 1 else reps):
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
    if not hls:
        return lambda o: o

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


def _hue(label: str) -> int:
    return zlib.crc32(label.encode("utf-8")) % 360


def _strip_lead(text: str, pos: int, end: int, hls: list[Highlight]) -> int:
    """Skip the ': ' and bidi marks that separate a sender from the message."""
    stop = min((h.start for h in hls if h.start >= pos), default=end) if hls else end
    stop = min(stop, end)
    while pos < stop and (text[pos] in ": \t" or text[pos] in _INVISIBLE):
        pos += 1
    return pos


def _eol_end(text: str) -> int:
    end = len(text)
    while end and text[end - 1] in "\r\n":
        end -= 1
    return end


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    """``text[a:b]`` without the brackets, dashes, spaces and marks around it (a header's
    "[", "] ", " - ": the timestamp as the file writes it)."""
    while a < b and not text[a].isalnum():
        a += 1
    while b > a and not text[b - 1].isalnum() and text[b - 1] not in ".)":
        b -= 1
    return a, b


# --------------------------------------------------------------------------- the data
def report_data(result, records: list[Record] | None = None, *, reveal: bool = False,
                low: float = LOW_SCORE) -> dict:
    """What the page shows, as the JSON its script reads (also what tests decode).  Offsets
    count code points (the page's script converts them to UTF-16 units).

    The data's ``records``: ``[type, text, ...offsets]`` a record (see :data:`T_TEXT`…): a message
    ``[1, text, ts0, ts1, s0, s1, b0, who]`` (timestamp, sender, body offsets in ``text``, the
    record's new raw without its line end), a system line ``[2, text, ts0, ts1, b0]``, a
    metadata line ``[3, text]``, anything else ``[0, text]``.  ``hls``: one per replacement,
    in document order (its number is its index + 1): ``[record, start, end, kind, detector,
    score×100]`` (+ the original with ``reveal``); ``lowHls``: the indexes of those scored
    below ``low``.  ``left``: the values left as they are, ``[record, start, end, why, kind,
    preview]`` (``why`` indexes :data:`WHY`; the value itself is in the output).
    """
    from ..detect.gazetteer import detector
    from ..render.redaction import preview
    texts = list(result.texts)
    if records is not None and len(records) != len(texts):
        records = None
    hls = highlights_by_record(result)
    kept: dict[int, list[Replacement]] = defaultdict(list)
    for ri, rep in getattr(result, "kept", ()):
        kept[ri].append(rep)
    kinds: dict[str, int] = {}
    dets: dict[str, int] = {}
    who: dict[str, int] = {}
    recs, out_hls, low_idx, left = [], [], [], []
    names = detector()
    found_cache: dict[str, list] = {}

    def code(table, key):
        return table.setdefault(key, len(table))

    for ri, raw in enumerate(texts):
        rh = hls.get(ri, [])
        rec = records[ri] if records is not None else None
        text = raw[:_eol_end(raw)]
        pos = _mapper(rh)
        bodies = [(0, len(text))]
        if rec is not None:
            bodies = [(pos(sp.start), min(pos(sp.end), len(text))) for sp in rec.bodies]
        if rec is not None and rec.kind == MESSAGE and rec.sender is not None:
            ts0, ts1 = _trim(text, pos(rec.header.start), pos(rec.header.end)) \
                if rec.header is not None else (0, 0)
            s0, s1 = pos(rec.sender.start), pos(rec.sender.end)
            b0 = _strip_lead(text, s1, len(text), rh)
            label = text[s0:s1]
            recs.append([T_MSG, text, ts0, ts1, s0, s1, b0, code(who, label)])
        elif rec is not None and (rec.kind == SYSTEM or rec.header is not None):
            ts0, ts1 = _trim(text, pos(rec.header.start), pos(rec.header.end)) \
                if rec.header is not None else (0, 0)
            b0 = _strip_lead(text, pos(rec.header.end) if rec.header is not None else 0,
                             len(text), rh)
            recs.append([T_SYS, text, ts0, ts1, b0])
        elif rec is not None and rec.kind == META:
            recs.append([T_META, text])
        else:
            recs.append([T_TEXT, text])
        for h in rh:
            r = h.rep
            if r.score < low:
                low_idx.append(len(out_hls))
            item = [ri, h.start, h.end, code(kinds, r.kind), code(dets, r.detector or "?"),
                    round(r.score * 100)]
            if reveal:
                item.append(r.original)
            out_hls.append(item)
        # what was left: values kept on purpose, then words that look like names
        taken = [(h.start, h.end) for h in rh]
        spans = []
        for r in kept.get(ri, ()):
            s = pos(r.start)
            e = s + (r.end - r.start)
            taken.append((s, e))
            spans.append((s, e, 0, r.kind, preview(r.kind, r.original)))
        for a, b in bodies:
            body = text[a:b]
            found = found_cache.get(body)
            if found is None:
                found = found_cache[body] = names.name_like_words(body, result.language) \
                    if body != body.lower() else ()
            for s, e, why in found:
                s, e = s + a, e + a
                if not any(s < te and ts < e for ts, te in taken):
                    spans.append((s, e, _WORD_WHY[why], "PERSON", preview("PERSON", text[s:e])))
        for s, e, why, kind, pv in (sorted(spans) if len(spans) > 1 else spans):
            left.append([ri, s, e, why, code(kinds, kind), pv])
    return {"page": PAGE, "low": low, "reveal": reveal, "why": list(WHY),
            "kinds": list(kinds), "detectors": list(dets),
            "hues": [_hue(label) for label in who], "records": recs, "hls": out_hls,
            "lowHls": low_idx, "left": left}


_DATA_RE = re.compile(r'<script type="([^"]+)" id="report-data">(.*?)</script>', re.S)
DEFLATE_ABOVE = 1_000_000  # JSON bytes above which the data is deflated (zlib) + base64


def read_report_data(html_text: str) -> dict:
    """The data of a page :func:`build_report` wrote (for tests and tools)."""
    m = _DATA_RE.search(html_text)
    if not m:
        raise ValueError("not a review report (no report-data block)")
    if m.group(1) == "application/json":
        return json.loads(m.group(2))
    return json.loads(zlib.decompress(base64.b64decode(m.group(2))))


def _data_block(data) -> str:
    """The data block: JSON that cannot end its ``<script>`` element (nor open a comment)
    early; above :data:`DEFLATE_ABOVE` bytes deflated and base64-encoded (a 100,000-message
    chat: 16 MB of JSON, 3 MB in the page), which the page inflates with the browser's own
    ``DecompressionStream``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    raw = text.encode("utf-8")
    if len(raw) > DEFLATE_ABOVE:
        packed = base64.b64encode(zlib.compress(raw, 6)).decode("ascii")
        return f'<script type="application/x-deflate-base64" id="report-data">{packed}</script>'
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="report-data">{text}</script>'


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
.pager{position:sticky;top:0;z-index:20;display:flex;flex-wrap:wrap;gap:6px 10px;align-items:center;
background:var(--bg);padding:6px 0 8px;border-bottom:1px solid var(--line);margin-bottom:4px}
.pager button,.pager a.tab{font:inherit;font-size:13px;padding:3px 10px;border-radius:6px;
border:1px solid var(--line);background:var(--panel);color:var(--ink);cursor:pointer;
text-decoration:none}
.pager a.tab[aria-current="page"]{background:#075e54;color:#fff;border-color:#075e54}
.pager button:disabled{opacity:.45;cursor:default}
.pager input{width:5.5em;font:inherit;font-size:13px;padding:2px 6px;border-radius:6px;
border:1px solid var(--line);background:var(--panel);color:var(--ink)}
.pager .where{color:var(--muted);font-size:13px;font-variant-numeric:tabular-nums}
.pager .spacer{flex:1}
.pager label{font-size:13px;display:flex;gap:4px;align-items:center}
#flagged{display:flex;flex-direction:column;gap:8px}
#flagged[hidden],#chat[hidden]{display:none}
.left{text-decoration:underline dotted #d92d20 2px;text-underline-offset:3px;cursor:help;
position:relative}
.left:hover::after,.left:focus::after{content:attr(data-tip);position:absolute;left:0;
bottom:calc(100% + 6px);z-index:10;white-space:nowrap;background:#1d2939;color:#fff;
font:12px/1.3 system-ui,sans-serif;padding:5px 8px;border-radius:6px;pointer-events:none}
.flash{animation:flash 1.6s ease-out}
.note.meta h3{margin:0 0 2px;font-size:11px;text-transform:uppercase;letter-spacing:.05em}
.words{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:3px;font-size:13px}
.words li{display:flex;gap:8px}.words .n{margin-left:auto;color:var(--muted)}
.links{display:flex;flex-direction:column;gap:4px;font-size:14px}
.links a{color:inherit}
footer{color:var(--muted);font-size:12px;text-align:center;padding:10px 0 24px}
"""

_JS = r"""
(function () {
'use strict';
function show(D) {
var R = D.records, H = D.hls, L = D.left, P = D.page, KINDS = D.kinds, DETS = D.detectors;
var N = R.length, PAGES = Math.max(1, Math.ceil(N / P));
var chat = document.getElementById('chat'), flaggedBox = document.getElementById('flagged');
var bar = document.getElementById('pager');
var LOW = new Uint8Array(H.length);
D.lowHls.forEach(function (i) { LOW[i] = 1; });
function firsts(list) {  // index of the first item of each record (list sorted by record)
  var f = new Int32Array(N + 1), i = 0;
  for (var r = 0; r <= N; r++) { while (i < list.length && list[i][0] < r) i++; f[r] = i; }
  return f;
}
var HF = firsts(H), LF = firsts(L);
// the data's offsets count code points (Python's); JavaScript strings count UTF-16 units:
// convert the offsets of every record holding a character beyond U+FFFF (an emoji)
for (var ri = 0; ri < N; ri++) {
  var r = R[ri];
  if (!/[\uD800-\uDBFF]/.test(r[1])) continue;
  var map = [], u = 0;
  for (var ch of r[1]) { map.push(u); u += ch.length; }
  map.push(u);
  for (var k = 2; k < Math.min(r.length, 7); k++) r[k] = map[r[k]];
  for (var i = HF[ri]; i < HF[ri + 1]; i++) { H[i][1] = map[H[i][1]]; H[i][2] = map[H[i][2]]; }
  for (var j = LF[ri]; j < LF[ri + 1]; j++) { L[j][1] = map[L[j][1]]; L[j][2] = map[L[j][2]]; }
}
// flagged: the low-confidence replacements and everything left, in document order
var FLAGGED = [];
(function () {
  var a = 0, b = 0, lows = D.lowHls;
  while (a < lows.length || b < L.length) {
    var h = a < lows.length ? H[lows[a]] : null, l = b < L.length ? L[b] : null;
    if (l === null || (h !== null && (h[0] < l[0] || (h[0] === l[0] && h[1] < l[1])))) {
      FLAGGED.push(['h', lows[a++]]);
    } else { FLAGGED.push(['l', b++]); }
  }
})();
function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function score(h) { return (h[5] / 100).toFixed(2); }
function tipOf(i) {
  var h = H[i];
  return KINDS[h[3]] + ' \u00b7 detector: ' + DETS[h[4]] + ' \u00b7 score: ' + score(h) +
    (h.length > 6 ? ' \u00b7 was: ' + h[6] : '');
}
function mark(i) {
  var h = H[i], kind = KINDS[h[3]], m = el('mark', 'hl k-' + kind + (LOW[i] ? ' low' : ''),
    R[h[0]][1].slice(h[1], h[2]));
  m.id = 'h' + (i + 1); m.tabIndex = 0;
  m.dataset.kind = kind; m.dataset.detector = DETS[h[4]]; m.dataset.score = score(h);
  var tip = tipOf(i);
  m.dataset.tip = tip; m.setAttribute('aria-label', tip);
  return m;
}
function leftSpan(i) {
  var l = L[i], s = el('span', 'left w' + l[3], R[l[0]][1].slice(l[1], l[2]));
  var tip = 'left as it is: ' + D.why[l[3]] + ' \u00b7 ' + KINDS[l[4]];
  s.id = 'l' + i; s.tabIndex = 0; s.dataset.tip = tip; s.setAttribute('aria-label', tip);
  return s;
}
// text[a:b] of record ri into parent, with the highlights and left values starting there
function seg(parent, ri, a, b, done) {
  var text = R[ri][1], p = a, i = HF[ri], j = LF[ri], hi = HF[ri + 1], lj = LF[ri + 1];
  while (true) {
    while (i < hi && (H[i][1] < a || H[i][1] >= b)) i++;
    while (j < lj && (L[j][1] < a || L[j][1] >= b || L[j][1] < p)) j++;
    var useH = i < hi && (j >= lj || H[i][1] <= L[j][1]);
    if (!useH && j >= lj) break;
    var it = useH ? H[i] : L[j];
    if (it[1] > p) parent.appendChild(document.createTextNode(text.slice(p, it[1])));
    if (useH) { parent.appendChild(mark(i)); done[i - HF[ri]] = 1; i++; }
    else { parent.appendChild(leftSpan(j)); j++; }
    p = Math.max(p, it[2]);
  }
  if (b > p) parent.appendChild(document.createTextNode(text.slice(p, b)));
}
function record(ri) {
  var r = R[ri], t = r[0], text = r[1], done = {}, div, body;
  if (t === 1) {
    div = el('div', 'msg'); div.style.setProperty('--h', D.hues[r[7]]);
    var who = el('div', 'who'); seg(who, ri, r[4], r[5], done); div.appendChild(who);
    body = el('div', 'body'); seg(body, ri, r[6], text.length, done);
    var ts = el('span', 'ts'); seg(ts, ri, r[2], r[3], done); body.appendChild(ts);
    div.appendChild(body);
  } else if (t === 2) {
    div = el('div', 'sys');
    if (r[3] > r[2]) { var st = el('span', 'ts'); seg(st, ri, r[2], r[3], done); div.appendChild(st); }
    body = div; seg(div, ri, r[4], text.length, done);
  } else if (t === 3) {
    div = el('div', 'line'); body = div; seg(div, ri, 0, text.length, done);
    if (!text) div.textContent = '\u00a0';
    if (/:\s*null(\s|$)/.test(text)) div.appendChild(el('span', 'ts', '  (so in the file: no value given)'));
  } else {
    div = el('div', 'note text'); body = el('div', 'body'); div.appendChild(body);
    seg(body, ri, 0, text.length, done);
  }
  // a highlight outside every displayed part would break "one mark per replacement"
  for (var i = HF[ri]; i < HF[ri + 1]; i++) {
    if (!done[i - HF[ri]]) { body.appendChild(document.createTextNode(' \u27e8')); body.appendChild(mark(i)); body.appendChild(document.createTextNode('\u27e9')); }
  }
  div.id = 'm' + ri;
  return div;
}
var state = {view: 'chat', page: 1, show: 'low'};
function renderChat(page) {
  var frag = document.createDocumentFragment(), box = null;
  var end = Math.min(N, page * P);
  for (var ri = (page - 1) * P; ri < end; ri++) {
    var isMeta = R[ri][0] === 3;
    if (isMeta && !box) {
      box = el('div', 'note meta'); box.appendChild(el('h3', '', 'chunk metadata, as in the file'));
      frag.appendChild(box);
    } else if (!isMeta) { box = null; }
    (box || frag).appendChild(record(ri));
  }
  chat.replaceChildren(frag);
}
function context(ri, a, b) {
  var r = R[ri], text = r[1], start = r[0] === 1 ? r[6] : r[0] === 2 ? r[4] : 0;
  var x = Math.max(start, a - 45, text.lastIndexOf('\n', a - 1) + 1);
  if (x > a) x = Math.max(0, a - 45);
  var nl = text.indexOf('\n', b), y = Math.min(nl < 0 ? text.length : nl, b + 45);
  var c = el('div', 'ctx');
  c.appendChild(document.createTextNode((x > start && text[x - 1] !== '\n' ? '\u2026' : '') + text.slice(x, a).replace(/^\s+/, '')));
  c.appendChild(el('b', '', text.slice(a, b)));
  c.appendChild(document.createTextNode(text.slice(b, y).replace(/\s+$/, '') + (y < text.length && text[y] !== '\n' ? '\u2026' : '')));
  return c;
}
function tsOf(ri) { var r = R[ri]; return (r[0] === 1 || r[0] === 2) ? r[1].slice(r[2], r[3]) : ''; }
function flaggedItems() {
  if (state.show === 'all') return H.map(function (_, i) { return ['h', i]; });
  if (state.show === 'left') return L.map(function (_, i) { return ['l', i]; });
  if (state.show === 'low') return D.lowHls.map(function (i) { return ['h', i]; });
  return FLAGGED;
}
function renderFlagged(page) {
  var items = flaggedItems(), ol = el('ol', 'review'), end = Math.min(items.length, page * P);
  ol.start = (page - 1) * P + 1;
  for (var k = (page - 1) * P; k < end; k++) {
    var it = items[k], li = el('li'), a = el('a'), meta, x;
    if (it[0] === 'h') {
      x = H[it[1]]; a.href = '#h' + (it[1] + 1);
      meta = KINDS[x[3]] + ' \u00b7 ' + DETS[x[4]] + ' \u00b7 score ' + score(x) + (x.length > 6 ? ' \u00b7 was ' + x[6] : '');
    } else {
      x = L[it[1]]; a.href = '#l' + it[1];
      meta = KINDS[x[4]] + ' ' + x[5] + ' \u00b7 ' + D.why[x[3]];
    }
    var ts = tsOf(x[0]);
    a.appendChild(el('div', 'meta', meta + (ts ? ' \u00b7 ' + ts : '') + ' \u00b7 record ' + (x[0] + 1)));
    a.appendChild(context(x[0], x[1], x[2]));
    li.appendChild(a); ol.appendChild(li);
  }
  if (!items.length) flaggedBox.replaceChildren(el('p', 'empty', 'Nothing here.'));
  else flaggedBox.replaceChildren(ol);
  return Math.max(1, Math.ceil(items.length / P));
}
var pageInput = document.getElementById('page-no'), where = document.getElementById('where');
function draw() {
  var pages;
  chat.hidden = state.view !== 'chat'; flaggedBox.hidden = state.view === 'chat';
  if (state.view === 'chat') { state.page = Math.min(Math.max(1, state.page), PAGES); renderChat(state.page); pages = PAGES; }
  else { pages = renderFlagged(state.page); if (state.page > pages) { state.page = pages; renderFlagged(state.page); } }
  pageInput.value = state.page; pageInput.max = pages;
  where.textContent = 'of ' + pages + (state.view === 'chat'
    ? ' \u00b7 records ' + Math.min(N, (state.page - 1) * P + 1) + '\u2013' + Math.min(N, state.page * P) : '');
  document.getElementById('prev').disabled = document.getElementById('first').disabled = state.page <= 1;
  document.getElementById('next').disabled = document.getElementById('last').disabled = state.page >= pages;
  document.querySelectorAll('a.tab').forEach(function (t) {
    var on = t.dataset.view === state.view && (state.view === 'chat' || t.dataset.show === state.show);
    if (on) t.setAttribute('aria-current', 'page'); else t.removeAttribute('aria-current');
  });
  var main = document.getElementById('views');
  main.dataset.view = state.view; main.dataset.page = state.page; main.dataset.pages = pages;
  document.documentElement.dataset.ready = state.view + '-' + state.page;
  if (!performance.getEntriesByName('report-ready').length) performance.mark('report-ready');
}
function pageOf(ri) { return Math.floor(ri / P) + 1; }
var cursor = -1;  // the flagged item last jumped to
function route() {
  var h = decodeURIComponent(location.hash.slice(1)), m, target = null;
  if ((m = /^h(\d+)$/.exec(h)) && +m[1] >= 1 && +m[1] <= H.length) {
    state = {view: 'chat', page: pageOf(H[+m[1] - 1][0]), show: state.show}; target = h;
  } else if ((m = /^l(\d+)$/.exec(h)) && +m[1] < L.length) {
    state = {view: 'chat', page: pageOf(L[+m[1]][0]), show: state.show}; target = h;
  } else if ((m = /^m(\d+)$/.exec(h)) && +m[1] < N) {
    state = {view: 'chat', page: pageOf(+m[1]), show: state.show}; target = h;
  } else {
    var q = {};
    h.split('&').forEach(function (kv) { var p = kv.split('='); if (p[0]) q[p[0]] = p[1] || ''; });
    state = {view: q.view === 'flagged' ? 'flagged' : 'chat', page: Math.max(1, parseInt(q.page, 10) || 1),
             show: ['low', 'left', 'all', 'flagged'].indexOf(q.show) >= 0 ? q.show : 'flagged'};
  }
  draw();
  if (target) {
    var t = document.getElementById(target);
    if (t) {
      t.scrollIntoView({block: 'center'}); if (t.focus) t.focus({preventScroll: true});
      t.classList.remove('flash'); void t.offsetWidth; t.classList.add('flash');
    }
  } else { window.scrollTo(0, 0); }
}
function go(hash) { if (location.hash === hash) route(); else location.hash = hash; }
function goPage(p) {
  go(state.view === 'chat' ? '#page=' + p : '#view=flagged&show=' + state.show + '&page=' + p);
}
function recOf(f) { return f[0] === 'h' ? H[f[1]][0] : L[f[1]][0]; }
function jump(step) {  // the next (previous) flagged item from where we are; wraps around
  if (!FLAGGED.length) return;
  var k = cursor;
  if (state.view !== 'chat') {
    k = step > 0 ? -1 : FLAGGED.length;
  } else if (k < 0 || pageOf(recOf(FLAGGED[k])) !== state.page) {
    // from the start of the page looked at: the first item there or after (before, going back)
    var first = (state.page - 1) * P, i = 0;
    while (i < FLAGGED.length && recOf(FLAGGED[i]) < first) i++;
    k = step > 0 ? i - 1 : i;
  }
  k = (k + step + FLAGGED.length) % FLAGGED.length;
  cursor = k;
  var f = FLAGGED[k];
  go(f[0] === 'h' ? '#h' + (f[1] + 1) : '#l' + f[1]);
}
document.getElementById('first').onclick = function () { goPage(1); };
document.getElementById('prev').onclick = function () { goPage(state.page - 1); };
document.getElementById('next').onclick = function () { goPage(state.page + 1); };
document.getElementById('last').onclick = function () { goPage(+pageInput.max); };
document.getElementById('next-flag').onclick = function () { jump(1); };
document.getElementById('prev-flag').onclick = function () { jump(-1); };
pageInput.onchange = function () { goPage(Math.max(1, parseInt(pageInput.value, 10) || 1)); };
document.addEventListener('keydown', function (ev) {
  if (ev.target.tagName === 'INPUT' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  var k = {n: 'next', p: 'prev', j: 'next-flag', k: 'prev-flag'}[ev.key];
  if (k) { var b = document.getElementById(k); if (!b.disabled) b.click(); }
});
document.querySelectorAll('input[data-kind]').forEach(function (box) {
  box.addEventListener('change', function () {
    document.body.classList.toggle('off-' + box.dataset.kind, !box.checked);
  });
});
window.addEventListener('hashchange', route);
route();
}
var block = document.getElementById('report-data');
if (block.type === 'application/json') { show(JSON.parse(block.textContent)); return; }
// a big report: its JSON deflated (zlib) and base64-encoded, inflated by the browser itself
var b64 = atob(block.textContent.trim()), bytes = new Uint8Array(b64.length);
for (var i = 0; i < b64.length; i++) bytes[i] = b64.charCodeAt(i);
new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'))).text()
  .then(function (t) { show(JSON.parse(t)); }, function (err) {
    document.getElementById('chat').textContent = 'This browser cannot inflate the data (' + err + ')';
  });
})();
"""

_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_JS.encode("utf-8")).digest()).decode("ascii")
CSP = ("default-src 'none'; style-src 'unsafe-inline'; "
       f"script-src 'sha256-{_SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'")


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
    data = report_data(result, records, reveal=reveal, low=low)
    counts = Counter(rep.kind for _, rep in result.replacements)
    detectors: dict[str, Counter] = defaultdict(Counter)
    for _, rep in result.replacements:
        detectors[rep.kind][rep.detector or "?"] += 1
    kinds = list(KIND_ORDER) + sorted(k for k in counts if k not in KIND_ORDER)
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
    # legend of pseudonyms (message counts)
    senders: Counter = Counter()
    for r in data["records"]:
        if r[0] == T_MSG:
            senders[r[1][r[4]:r[5]]] += 1
    if senders:
        ranked = sorted(senders.items(), key=lambda kv: (-kv[1], kv[0]))
        lrows = "".join(
            f'<li><span class="sw" style="background:hsl({_hue(s)} 55% 45%)"></span>'
            f'<span class="who">{_e(s)}</span><span class="n">{n}</span></li>'
            for s, n in ranked[:SENDERS_SHOWN])
        more = (f'<p class="empty">and {len(ranked) - SENDERS_SHOWN} more</p>'
                if len(ranked) > SENDERS_SHOWN else "")
        legend = f'<ul class="legend">{lrows}</ul>{more}'
    else:
        legend = '<p class="empty">No sender labels in this file.</p>'
    # what to review
    n_low, left = len(data["lowHls"]), data["left"]
    n_kept = sum(1 for x in left if x[3] == 0)
    review = (f'<div class="links">'
              f'<a href="#view=flagged&amp;show=flagged">Everything flagged ({n_low + len(left)})</a>'
              f'<a href="#view=flagged&amp;show=low">Score below {low:.2f} ({n_low})</a>'
              f'<a href="#view=flagged&amp;show=left">Left as it is ({len(left)}: {n_kept} on '
              f'purpose, {len(left) - n_kept} name-like words)</a>'
              f'<a href="#view=flagged&amp;show=all">Every replacement ({total})</a></div>')
    # the name-like words, one row a word (its redacted preview, or the word with reveal)
    words: Counter = Counter()
    first: dict[str, int] = {}
    for i, x in enumerate(left):
        if x[3]:
            key = data["records"][x[0]][1][x[1]:x[2]]
            words[key] += 1
            first.setdefault(key, i)
    if words:
        wrows = "".join(
            f'<li><a href="#l{first[w]}" title="{_e(WHY[left[first[w]][3]])}">'
            f'{_e(w if reveal else left[first[w]][5])}</a><span class="n">{n}</span></li>'
            for w, n in sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))[:WORDS_SHOWN])
        more = (f'<p class="empty">and {len(words) - WORDS_SHOWN} more in '
                f'<a href="#view=flagged&amp;show=left">Left as it is</a></p>'
                if len(words) > WORDS_SHOWN else "")
        words_card = f'<ul class="words">{wrows}</ul>{more}'
    else:
        words_card = '<p class="empty">No capitalised word left looks like a name.</p>'
    secs = result.seconds if seconds is None else seconds
    facts = (f"{_e(result.format)} · {_e(result.language)} · {result.messages} messages · "
             f"{total} replacements · {secs:.2f}s")
    name = f" — {_e(os.path.basename(source_name))}" if (reveal and source_name) else ""
    badge = ('<span class="badge reveal">REAL VALUES SHOWN — do not share</span>' if reveal
             else '<span class="badge safe">anonymised only — safe to share</span>')
    pages = max(1, -(-len(data["records"]) // PAGE))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Anonymisation review{name}</title>
<style>{_CSS}</style></head>
<body data-reveal="{'yes' if reveal else 'no'}" data-replacements="{total}">
<header class="top"><h1>Anonymisation review{name}</h1><span class="facts">{facts}</span>{badge}</header>
<div class="wrap">
<aside>
<section class="card"><h2>Replaced, by kind ({total})</h2><div class="totals">{"".join(trows)}</div></section>
<section class="card"><h2>To review</h2>{review}</section>
<section class="card"><h2>Words left that look like names ({len(words)})</h2>{words_card}</section>
<section class="card"><h2>Pseudonyms ({len(senders)})</h2>{legend}</section>
</aside>
<div id="views" data-view="chat" data-page="1" data-pages="{pages}">
<nav class="pager" id="pager" aria-label="pages">
<a class="tab" href="#page=1" data-view="chat">Conversation</a>
<a class="tab" href="#view=flagged&amp;show=flagged" data-view="flagged" data-show="flagged">Flagged only</a>
<button id="first" title="first page">«</button><button id="prev" title="previous page (p)">‹</button>
<label>page <input id="page-no" type="number" min="1" value="1"></label><span class="where" id="where">of {pages}</span>
<button id="next" title="next page (n)">›</button><button id="last" title="last page">»</button>
<span class="spacer"></span>
<button id="prev-flag" title="previous flagged item (k)">◂ flagged</button><button id="next-flag" title="next flagged item: low score or left as it is (j)">flagged ▸</button>
</nav>
<noscript><p class="empty">This page draws the conversation with its one inline script (no network); allow JavaScript for this file to see it.</p></noscript>
<main id="chat"></main>
<section id="flagged" hidden></section>
</div>
</div>
<footer>Hover or focus a highlight for its kind, detector and score. Dashed outline: low confidence. Dotted underline: left as it is.
Keys: n / p pages, j / k flagged items. Generated by anonymize --report{' --reveal' if reveal else ''}.</footer>
{_data_block(data)}
<script>{_JS}</script>
</body></html>
"""


def reveal_warning(path: str) -> str:
    return (f"anonymize: warning: --reveal writes the REAL names, numbers, URLs and e-mails into "
            f"{path}; keep it private (it is written with mode 0600) and do not publish it")


def write_report(path: str, html_text: str, reveal: bool):
    from pathlib import Path

    from ..io import atomic_write_bytes
    atomic_write_bytes(Path(path), html_text.encode("utf-8"), 0o600 if reveal else 0o644)
    if reveal:
        sys.stderr.write(reveal_warning(path) + "\n")
