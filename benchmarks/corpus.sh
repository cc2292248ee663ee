#!/usr/bin/env bash
# Reproducible recipe for the estimator's fitting / evaluation corpus (not committed: ~30 MB).
#
#   bash benchmarks/corpus.sh            # -> benchmarks/corpus/<category>/<doc>.txt
#
# Needs: root (or sudo) apt-get for the Debian packages and opencc, python3 (stdlib only).
# Everything is real text from Debian packages plus the local Python standard library:
#   en-prose      fortunes (English fortune cookies)
#   en-tech       manpages (English man pages, groff markup lightly stripped), debian-reference-en (HTML -> text)
#   zh-hans-tech  manpages-zh zh_CN, debian-reference-zh-cn, debian-faq-zh-cn
#   zh-hant-tech  manpages-zh zh_TW, debian-reference-zh-tw
#   zh-hans-lit   fortunes-zh tang300 + song100 (Tang and Song poetry)
#   zh-hant-lit   the same poems converted to Traditional characters with OpenCC (s2t)
#   zh-mixed      fortunes-zh "chinese" (Debian hints: Chinese prose mixed with English commands)
#   ja            manpages-ja, debian-reference-ja
#   ja-prose      lilypond-doc-html-ja (the LilyPond learning / usage manuals: modern Japanese prose)
#   ko            debian-faq-ko
#   code          Python standard library sources
#   json          iso-codes JSON
#   emoji         unicode-data emoji-test.txt / emoji-zwj-sequences.txt
#   ru, de        fortunes-ru, fortunes-de (Cyrillic, accented Latin)
#   names         iso-codes translations in 20 languages (Arabic, Persian, Hebrew, Greek, Indic, Thai, Georgian, ...)
#   emoji-only    the fully-qualified emoji of emoji-test.txt, space-separated
#   encoded       base64 (MIME, 76 columns) and hex (64 columns) of the downloaded .deb files: binary data
#                 pasted into prompts (attachments, hashes, dumps)
#   *-pure        the lines of zh-hans-tech / zh-hant-tech / ja / ja-prose documents that are >= 80 % CJK
# Documents are files (big files cut at line boundaries into 3k-12k-character pieces); a document smaller
# than 800 characters is dropped. fit_estimator.py splits fit / held-out by document (stable hash).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/corpus"
work="${CORPUS_WORK:-$(mktemp -d)}"
pkgs=(fortunes fortunes-zh manpages manpages-zh manpages-ja debian-reference-en debian-reference-zh-cn
      debian-reference-zh-tw debian-reference-ja debian-faq-ko debian-faq-zh-cn unicode-data iso-codes
      fortunes-ru fortunes-de lilypond-doc-html-ja)
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
command -v opencc >/dev/null || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq opencc; }
mkdir -p "$work/debs" "$work/x"
(cd "$work/debs" && { apt-get download "${pkgs[@]}" 2>/dev/null || { $SUDO apt-get update -qq && apt-get download "${pkgs[@]}"; }; })
chmod -R a+r "$work/debs"
for f in "$work"/debs/*.deb; do dpkg -x "$f" "$work/x"; done
X="$work/x"
F="$X/usr/share/games/fortunes"
# Traditional-character poems via OpenCC (Simplified -> Traditional).
sed 's/\x1b\[[0-9;]*m//g' "$F/tang300" | opencc -c s2t > "$work/tang300.hant"
sed 's/\x1b\[[0-9;]*m//g' "$F/song100" | opencc -c s2t > "$work/song100.hant"

# keep _cache (exact counts) and _tokenizers (gemma3 download) from earlier runs
mkdir -p "$out"
find "$out" -mindepth 1 -maxdepth 1 -type d ! -name '_*' -exec rm -rf {} +
STDLIB="$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')"
python3 - "$X" "$work" "$out" "$STDLIB" "${pkgs[*]}" <<'PY'
import gettext, glob, gzip, html, json, os, re, sys
from html.parser import HTMLParser

X, WORK, OUT, STDLIB = sys.argv[1:5]
PKGS = set(sys.argv[5].split())
ANSI = re.compile(r"\x1b\[[0-9;]*m")
MIN = 800
# piece size in characters: smaller for CJK (3 UTF-8 bytes a character), smallest for poetry
MAXLEN = {"names": 4000, "emoji-only": 2000, "ja-prose": 6000, "zh-hans-lit": 3000, "zh-hant-lit": 3000, "ko": 4000, "zh-hans-tech": 6000, "zh-hant-tech": 6000, "zh-mixed": 8000, "ja": 6000}

def read(path):
    raw = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
    return ANSI.sub("", raw.decode("utf-8", errors="replace"))

def groff(t):
    # light de-markup: drop comments, macro names, font escapes; keep the words
    lines = []
    for line in t.splitlines():
        if line.startswith(('.\\"', "'\\\"")):
            continue
        if line.startswith("."):
            parts = line.split(None, 1)
            line = parts[1] if len(parts) > 1 else ""
        line = re.sub(r"\\f[BIRP1-4]|\\f\(..|\\f\[[^\]]*\]|\\[,/&]", "", line)
        line = line.replace("\\-", "-").replace("\\(em", "—").replace("\\e", "\\")
        lines.append(line)
    return "\n".join(lines)

class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0
    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag in ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "pre", "dt", "dd", "table"):
            self.parts.append("\n")
    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
    def handle_data(self, d):
        if not self.skip:
            self.parts.append(d)

def html2text(t):
    p = Text()
    p.feed(t)
    s = "".join(p.parts)
    s = re.sub(r"[ \t]+\n", "\n", s)
    return re.sub(r"\n{3,}", "\n\n", s)

def emit(cat, name, text):
    text = text.strip("\n")
    pieces, cur, n = [], [], 0
    for line in text.split("\n"):
        cur.append(line)
        n += len(line) + 1
        if n >= MAXLEN.get(cat, 12000):
            pieces.append("\n".join(cur))
            cur, n = [], 0
    if cur:
        pieces.append("\n".join(cur))
    os.makedirs(os.path.join(OUT, cat), exist_ok=True)
    for i, p in enumerate(pieces):
        if len(p) >= MIN:
            fn = f"{name}.{i:03d}.txt" if len(pieces) > 1 else f"{name}.txt"
            with open(os.path.join(OUT, cat, fn), "w", encoding="utf-8") as f:
                f.write(p + "\n")

def fortunes(path):
    return read(path).replace("\n%\n", "\n\n")

S = X + "/usr/share"
F = S + "/games/fortunes"
for p in sorted(glob.glob(F + "/*")):
    b = os.path.basename(p)
    if os.path.isfile(p) and "." not in b and b not in ("chinese", "tang300", "song100"):
        emit("en-prose", b, fortunes(p))
for p in sorted(glob.glob(F + "/ru/*")) + sorted(glob.glob(F + "/de/*")):
    b = os.path.basename(p)
    if os.path.isfile(p) and "." not in b:
        emit("ru" if "/ru/" in p else "de", b, fortunes(p))
emit("zh-hans-lit", "tang300", fortunes(F + "/tang300"))
emit("zh-hans-lit", "song100", fortunes(F + "/song100"))
emit("zh-hant-lit", "tang300", open(WORK + "/tang300.hant", encoding="utf-8").read().replace("\n%\n", "\n\n"))
emit("zh-hant-lit", "song100", open(WORK + "/song100.hant", encoding="utf-8").read().replace("\n%\n", "\n\n"))
emit("zh-mixed", "chinese", fortunes(F + "/chinese"))
for lang, cat in (("", "en-tech"), ("zh_CN", "zh-hans-tech"), ("zh_TW", "zh-hant-tech"), ("ja", "ja")):
    for p in sorted(glob.glob(f"{S}/man/{lang + '/' if lang else ''}man[0-9]/*.gz")):
        emit(cat, "man." + os.path.basename(p)[:-3], groff(read(p)))
for suffix, cat in (("en", "en-tech"), ("zh-cn", "zh-hans-tech"), ("zh-tw", "zh-hant-tech"), ("ja", "ja")):
    for p in sorted(glob.glob(f"{S}/debian-reference/*.{suffix}.html")):
        emit(cat, "ref." + os.path.basename(p), html2text(read(p)))
for p in sorted(glob.glob(f"{S}/doc/lilypond/html/Documentation/*/*.ja.html")):
    if "/snippets/" not in p:
        emit("ja-prose", "ly." + os.path.basename(p), html2text(read(p)))
for lang, cat in (("ko", "ko"), ("zh-cn", "zh-hans-tech")):
    for p in sorted(glob.glob(f"{S}/doc/debian/FAQ/{lang}/*.html")):
        emit(cat, "faq." + os.path.basename(p), html2text(read(p)))
for p in sorted(glob.glob(STDLIB + "/*.py")) + sorted(glob.glob(STDLIB + "/json/*.py")):
    emit("code", "py." + os.path.basename(p), read(p))
for p in sorted(glob.glob(S + "/iso-codes/json/iso_*.json")):
    emit("json", os.path.basename(p), read(p))
for p in ("emoji-test.txt", "emoji-zwj-sequences.txt", "emoji-sequences.txt"):
    emit("emoji", p, read(S + "/unicode/emoji/" + p))

# Other scripts: the iso-codes translations (country, language, currency and script names) in 20 languages
for lang in ("ar", "fa", "he", "el", "hi", "bn", "ta", "th", "ka", "uk", "bg", "vi", "tr", "pl", "mr", "kn",
             "gu", "pa", "te", "ml"):
    lines = []
    for mo in sorted(glob.glob(f"{S}/locale/{lang}/LC_MESSAGES/iso_*.mo")):
        if re.search(r"iso_(3166|639|639_3|639_5|3166_2)\.mo$", mo):
            continue  # older duplicate domains
        with open(mo, "rb") as fh:
            cat_ = gettext.GNUTranslations(fh)._catalog
        lines += [v for k, v in cat_.items() if k and isinstance(v, str) and v != k]
    emit("names", lang, "\n".join(lines))
# Emoji-only text: every fully-qualified emoji of emoji-test.txt, 16 to a line
emo = [l.split("#", 1)[1].split()[0] for l in read(S + "/unicode/emoji/emoji-test.txt").splitlines()
       if "; fully-qualified" in l]
emit("emoji-only", "emoji-list", "\n".join(" ".join(emo[i:i + 16]) for i in range(0, len(emo), 16)))

# Encoded binary data: base64 and hex of the (compressed, high-entropy) .deb archives, two pieces each
import base64, binascii
for deb in sorted(glob.glob(WORK + "/debs/*.deb")):
    pkg = os.path.basename(deb).split("_")[0]
    if pkg not in PKGS:
        continue
    raw = open(deb, "rb").read()
    for off in (4096, len(raw) // 2):
        b64 = base64.encodebytes(raw[off:off + 6000]).decode()
        hx = binascii.hexlify(raw[off:off + 4000]).decode()
        emit("encoded", f"b64.{pkg}.{off}", b64)
        emit("encoded", f"hex.{pkg}.{off}", "\n".join(hx[i:i + 64] for i in range(0, len(hx), 64)))

# Pure CJK prose: the lines of the CJK documents that are at least 80 % CJK (no option names, code or
# markup), kept under the source file's name so that they fall on the same fit / held-out side.
def cjk_share(line):
    chars = [ch for ch in line if not ch.isspace()]
    return sum(1 for ch in chars if ord(ch) >= 0x2E80) / len(chars) if chars else 0.0

for src, cat in (("zh-hans-tech", "zh-hans-pure"), ("zh-hant-tech", "zh-hant-pure"), ("ja", "ja-pure"),
                 ("ja-prose", "ja-pure")):
    os.makedirs(os.path.join(OUT, cat), exist_ok=True)
    for fn in sorted(os.listdir(os.path.join(OUT, src))):
        text = open(os.path.join(OUT, src, fn), encoding="utf-8").read()
        keep = "\n".join(l for l in text.splitlines() if len(l) >= 10 and cjk_share(l) >= 0.8)
        if len(keep) >= MIN:
            with open(os.path.join(OUT, cat, fn), "w", encoding="utf-8") as f:
                f.write(keep + "\n")
PY
for d in "$out"/[!_]*/; do printf '%-14s %5d docs %8d KB\n' "$(basename "$d")" "$(ls "$d" | wc -l)" "$(du -sk "$d" | cut -f1)"; done
