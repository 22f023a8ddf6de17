"""Checks that an HTML report of qcc is one self-contained, well-formed page
that shows what the JSON report holds.

Usage: check_report_html.py <report.html> <report.json>

Prints, for FileCheck:
  sections <ids of the <section> elements, in order>
  layer <name>                  one per row of the layers table
  figures <n>                   histograms (one <svg> per figure)
  warnings <n>                  items of the warnings box
  header <text>                 the header cells of the accuracy table
  external none                 or every reference to something outside
  balanced                      or the first mismatched tag
  embedded json equal           the JSON in the page is the JSON report
Raw text from the model (node names) must be escaped: a name given as
`--escaped <text>` must not appear verbatim, only escaped.
"""

import html
import html.parser
import json
import sys

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
# Elements that fetch or embed something.
FETCHING = {"link", "img", "iframe", "object", "embed", "audio", "video",
            "source", "base", "frame", "track", "image", "use"}


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.problems = []
        self.external = []
        self.sections = []
        self.layers = []
        self.figures = 0
        self.svgs_in_figures = 0
        self.warnings = 0
        self.headers = []
        self.in_layer_link = False
        self.in_accuracy_header = False
        self.accuracy_rows = 0
        self.in_warnings = False
        self.section = None
        self.text = ""
        self.json_text = None
        self.in_json = False
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in FETCHING:
            self.external.append(f"<{tag}>")
        for name, value in attrs.items():
            if name in ("src", "srcset", "xlink:href", "action", "data"):
                self.external.append(f"{name}={value}")
            if name == "href" and not (value or "").startswith("#"):
                self.external.append(f"href={value}")
            if name == "style" and "url(" in (value or ""):
                self.external.append("style url(")
        if tag == "script":
            if attrs.get("type") != "application/json":
                self.external.append("executable <script>")
            self.in_json = attrs.get("id") == "qcc-report"
            self.json_text = "" if self.in_json else self.json_text
        if tag == "style":
            self.in_style = True
        if tag == "section":
            self.section = attrs.get("id")
            self.sections.append(self.section)
        if tag == "figure":
            self.figures += 1
        if tag == "svg" and "figure" in self.stack:
            self.svgs_in_figures += 1
        if tag == "div" and "warnings" in (attrs.get("class") or ""):
            self.in_warnings = True
        if tag == "li" and self.in_warnings:
            self.warnings += 1
        if tag == "a" and self.section == "layers" and "tr" in self.stack:
            self.in_layer_link = True
            self.text = ""
        if tag == "tr" and self.section == "accuracy":
            self.accuracy_rows += 1
        # The header cells of the first row of the accuracy section.
        if tag == "th" and self.section == "accuracy" and \
                self.accuracy_rows == 1:
            self.in_accuracy_header = True
            self.text = ""
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            open_tag = self.stack[-1] if self.stack else None
            self.problems.append(f"</{tag}> closes <{open_tag}>")
            return
        self.stack.pop()
        if tag == "a" and self.in_layer_link:
            self.layers.append(self.text)
            self.in_layer_link = False
        if tag == "th" and self.in_accuracy_header:
            self.headers.append(self.text)
            self.in_accuracy_header = False
        if tag == "div" and self.in_warnings:
            self.in_warnings = False
        if tag == "script":
            self.in_json = False
        if tag == "style":
            self.in_style = False
        if tag == "section":
            self.section = None

    def handle_data(self, data):
        self.text += data
        if self.in_json:
            self.json_text += data
        if self.in_style and ("url(" in data or "@import" in data):
            self.external.append("style url(/@import")


def main():
    args = sys.argv[1:]
    escaped = []
    while "--escaped" in args:
        i = args.index("--escaped")
        escaped.append(args[i + 1])
        del args[i:i + 2]
    html_path, json_path = args
    with open(html_path, encoding="utf-8") as f:
        raw = f.read()
    page = Page()
    page.feed(raw)
    page.close()
    print("sections", " ".join(page.sections))
    for layer in page.layers:
        print("layer", layer)
    print("figures", page.figures, "svgs", page.svgs_in_figures)
    print("warnings", page.warnings)
    for header in page.headers:
        print("header", header)
    print("external", ", ".join(page.external) if page.external else "none")
    if page.stack:
        page.problems.append("unclosed " + " ".join(page.stack))
    print(page.problems[0] if page.problems else "balanced")
    with open(json_path) as f:
        report = json.load(f)
    embedded = json.loads(page.json_text) if page.json_text else None
    print("embedded json", "equal" if embedded == report else "different")
    for text in escaped:
        print("escaped", "no" if text in raw else "yes",
              html.escape(text, quote=True) in raw)


if __name__ == "__main__":
    main()
