"""Concatenating separately laid-out PDF/A-3b parts into one tagged PDF/A-3b document (pikepdf).

WeasyPrint writes each part (front matter, chapter chunks, index) as a tagged PDF/A-3b file.
A plain page concatenation would keep the pages and drop what lives in the document catalog.
`merge()` keeps:

* the first part's catalog: OutputIntents (sRGB profile), XMP metadata (pdfaid part 3,
  conformance B; the title is added and the Info dictionary kept in step), /Lang, /MarkInfo;
* the structure tree: each part's top-level structure elements are copied under the first
  part's document element, its parent-tree entries renumbered past the ones already there, and
  each page's /StructParents (and each annotation's /StructParent) shifted to match;
* one outline entry per chapter (the parts' own outlines are not copied);
* distinct subset tags: WeasyPrint derives the six-letter tag from the font description, so
  two parts that use the same face carry the same tag for different subsets; every embedded
  subset is renamed after a hash of its font program.

The footer ("第 X 页 共 Y 页") is written straight into each page's content as an artifact
(`stamp_footers`): a one-page WeasyPrint document holding the footer's characters gives the
embedded font subset, the glyph ids and their widths, so a 500-page dossier needs no 500-page
frame document to be laid out.
"""

from __future__ import annotations

import hashlib
import string
from decimal import Decimal

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem


def _subset_tag(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "".join(string.ascii_uppercase[b % 26] for b in digest[:6])


def _font_program(font: Dictionary) -> bytes | None:
    descendants = font.get("/DescendantFonts")
    target = descendants[0] if descendants is not None and len(descendants) else font
    descriptor = target.get("/FontDescriptor")
    if descriptor is None:
        return None
    for key in ("/FontFile2", "/FontFile3", "/FontFile"):
        stream = descriptor.get(key)
        if stream is not None:
            return stream.read_raw_bytes()
    return None


def _page_fonts(pdf: pikepdf.Pdf):
    """The font dictionaries the pages use (directly or in their form XObjects), once each;
    walking the pages rather than every object keeps a 500-page merge from loading them all."""
    seen = set()

    def walk(resources, depth=0):
        if resources is None or depth > 4:
            return
        for font in (resources.get("/Font") or {}).values():
            if font.objgen not in seen:
                seen.add(font.objgen)
                yield font
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == Name.Form and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                yield from walk(xobject.get("/Resources"), depth + 1)

    for page in pdf.pages:
        yield from walk(page.obj.get("/Resources"))


def retag_fonts(pdf: pikepdf.Pdf) -> None:
    """Give every embedded subset a tag derived from its own font program."""
    for obj in _page_fonts(pdf):
        if not isinstance(obj, Dictionary) or obj.get("/Type") != Name.Font:
            continue
        base = str(obj.get("/BaseFont", ""))
        if len(base) < 8 or base[7] != "+":
            continue
        program = _font_program(obj)
        if program is None:
            continue
        renamed = Name("/" + _subset_tag(program) + base[7:])
        obj.BaseFont = renamed
        for descendant in obj.get("/DescendantFonts", []):
            descendant.BaseFont = renamed
            if "/FontDescriptor" in descendant:
                descendant.FontDescriptor.FontName = renamed
        if "/FontDescriptor" in obj:
            obj.FontDescriptor.FontName = renamed


def _number_tree(node: Dictionary) -> list[tuple[int, object]]:
    pairs = []
    nums = node.get("/Nums")
    if nums is not None:
        pairs += [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)]
    for kid in node.get("/Kids", []):
        pairs += _number_tree(kid)
    return pairs


def _document_element(pdf: pikepdf.Pdf) -> Dictionary | None:
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return None
    kids = root.get("/K")
    if isinstance(kids, Array) and len(kids) == 1 and isinstance(kids[0], Dictionary):
        return kids[0]
    if isinstance(kids, Dictionary):
        return kids
    return None


class TaggedMerger:
    """Appends parts to the first one, keeping structure, PDF/A identification and tags."""

    def __init__(self, first_path: str):
        self.pdf = pikepdf.open(first_path)
        retag_fonts(self.pdf)
        self.document = _document_element(self.pdf)
        tree = self.pdf.Root.get("/StructTreeRoot")
        self.parents = _number_tree(tree.ParentTree) if tree is not None else []
        self.next_key = max((k for k, _ in self.parents), default=-1) + 1
        self.outline: list[tuple[str, int]] = []

    @property
    def page_count(self) -> int:
        return len(self.pdf.pages)

    def append(self, path: str) -> int:
        """Append a part's pages and structure; answers the index of its first page."""
        start = len(self.pdf.pages)
        with pikepdf.open(path) as part:
            retag_fonts(part)
            offset = self.next_key
            part_tree = part.Root.get("/StructTreeRoot")
            highest = -1
            for page in part.pages:
                if "/StructParents" in page.obj:
                    key = int(page.obj.StructParents)
                    highest = max(highest, key)
                    page.obj.StructParents = key + offset
                for annot in page.obj.get("/Annots", []):
                    if "/StructParent" in annot:
                        key = int(annot.StructParent)
                        highest = max(highest, key)
                        annot.StructParent = key + offset
            self.pdf.pages.extend(part.pages)
            if part_tree is not None and self.document is not None:
                values = _number_tree(part_tree.ParentTree)
                element = _document_element(part)
                kids = [
                    kid
                    for kid in (element.get("/K", []) if element is not None else [])
                    if isinstance(kid, Dictionary)
                ]
                for kid in kids:  # re-parented below: do not drag the part's root along
                    if "/P" in kid:
                        del kid["/P"]
                # one copy for the whole part: objects shared by several entries come over once
                bundle = part.make_indirect(Array([v for _, v in values] + kids))
                copied = list(self.pdf.copy_foreign(bundle))
                for (key, _), value in zip(values, copied, strict=False):
                    highest = max(highest, key)
                    self.parents.append((key + offset, value))
                own = self.document.get("/K")
                if not isinstance(own, Array):
                    own = Array([] if own is None else [own])
                    self.document.K = own
                for kid in copied[len(values) :]:
                    kid.P = self.document
                    own.append(kid)
            self.next_key = offset + highest + 1
        return start

    def add_outline(self, title: str, page_index: int) -> None:
        self.outline.append((title, page_index))

    def stamp_footers(
        self, glyph_path: str, text: str, total: int, *, skip_first: int = 0, size: float = 9
    ) -> None:
        """Write "第 X 页 共 Y 页" at the foot of every page (from `skip_first` on), centred, in
        the face and subset of the one-page document `glyph_path` whose only text is `text`."""
        glyphs = FooterGlyphs(glyph_path, text)
        retag_fonts(glyphs.pdf)
        font = self.pdf.copy_foreign(glyphs.font)
        for number, page in enumerate(self.pdf.pages):
            if number < skip_first:
                continue
            label = f"第 {number + 1} 页 共 {total} 页"
            width = glyphs.width(label) * size / 1000
            media = page.obj.MediaBox
            x = (float(media[2]) - width) / 2
            resources = page.obj.get("/Resources")
            if resources is None:
                page.obj.Resources = resources = Dictionary()
            if "/Font" not in resources:
                resources.Font = Dictionary()
            resources.Font.QFfoot = font
            ops = (
                f"q /Artifact BMC BT 0.2 0.2 0.2 rg /QFfoot {size} Tf "
                f"{_num(x)} 31.5 Td {glyphs.tj(label)} TJ ET EMC Q\n"
            )
            # WeasyPrint leaves its flipped coordinate system set: isolate the page's content
            page.contents_add(self.pdf.make_stream(b"q\n"), prepend=True)
            page.contents_add(self.pdf.make_stream(b"\nQ\n" + ops.encode()), prepend=False)

    def save(self, out, title: str, lang: str = "zh-CN") -> None:
        tree = self.pdf.Root.get("/StructTreeRoot")
        if tree is not None:
            flat = Array()
            for key, value in sorted(self.parents, key=lambda kv: kv[0]):
                flat.append(key)
                flat.append(value)
            tree.ParentTree = self.pdf.make_indirect(Dictionary(Nums=flat))
            tree.ParentTreeNextKey = self.next_key
        self.pdf.Root.Lang = pikepdf.String(lang)
        self.pdf.Root.MarkInfo = Dictionary(Marked=True)
        with self.pdf.open_outline() as outline:
            outline.root.clear()
            outline.root.extend(OutlineItem(t, p) for t, p in self.outline)
        self.pdf.Root.PageMode = Name.UseOutlines
        with self.pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = title
            meta["dc:language"] = [lang]
        self.pdf.docinfo[Name.Title] = title
        self.pdf.save(out)

    def close(self) -> None:
        self.pdf.close()


GAP = 250  # thousandths of an em between the footer's words


def _num(value: float) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


class FooterGlyphs:
    """The glyph ids and widths of the characters of a one-line WeasyPrint document."""

    def __init__(self, path: str, text: str):
        self.pdf = pikepdf.open(path)
        page = self.pdf.pages[0]
        codes = b""
        name = None
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "Tf":
                name = operands[0]
            elif op == "Tj":
                codes += bytes(operands[0])
            elif op == "TJ":
                codes += b"".join(bytes(x) for x in operands[0] if isinstance(x, pikepdf.String))
        chars = [c for c in text if not c.isspace()]
        gids = [codes[i : i + 2] for i in range(0, len(codes), 2)]
        if name is None or len(gids) != len(chars):
            raise RuntimeError("页脚字形文档与预期不符")
        self.font = page.obj.Resources.Font[name]
        self.codes = dict(zip(chars, gids, strict=True))
        self.widths = _cid_widths(self.font)

    def tj(self, label: str) -> str:
        """A TJ array: the glyphs, a quarter-em gap where the label has a space."""
        parts = []
        for c in label:
            parts.append(f"-{GAP}" if c.isspace() else f"<{self.codes[c].hex()}>")
        return "[" + " ".join(parts) + "]"

    def width(self, label: str) -> float:
        return sum(
            GAP if c.isspace() else self.widths.get(int.from_bytes(self.codes[c], "big"), 1000)
            for c in label
        )


def _cid_widths(font: Dictionary) -> dict[int, float]:
    widths: dict[int, float] = {}
    w = font.DescendantFonts[0].get("/W", [])
    i = 0
    while i < len(w):
        first = int(w[i])
        if isinstance(w[i + 1], Array):
            for k, value in enumerate(w[i + 1]):
                widths[first + k] = float(value)
            i += 2
        else:
            for cid in range(first, int(w[i + 1]) + 1):
                widths[cid] = float(w[i + 2])
            i += 3
    return widths
