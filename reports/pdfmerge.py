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

The footer pages ("第 X 页 共 Y 页") are laid on top as form XObjects (`Page.add_overlay`);
their content is marked as artifacts by WeasyPrint.
"""

from __future__ import annotations

import hashlib
import string

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


def retag_fonts(pdf: pikepdf.Pdf) -> None:
    """Give every embedded subset a tag derived from its own font program."""
    for obj in pdf.objects:
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
                for key, value in _number_tree(part_tree.ParentTree):
                    highest = max(highest, key)
                    self.parents.append((key + offset, self._copy(part, value)))
                element = _document_element(part)
                kids = element.get("/K", []) if element is not None else []
                own = self.document.get("/K")
                if not isinstance(own, Array):
                    own = Array([] if own is None else [own])
                    self.document.K = own
                for kid in kids:
                    if not isinstance(kid, Dictionary):
                        continue
                    copied = self._copy(part, kid)
                    copied.P = self.document
                    own.append(copied)
            self.next_key = offset + highest + 1
        return start

    def _copy(self, part: pikepdf.Pdf, obj):
        if not obj.is_indirect:
            obj = part.make_indirect(obj)
        return self.pdf.copy_foreign(obj)

    def add_outline(self, title: str, page_index: int) -> None:
        self.outline.append((title, page_index))

    def overlay(self, frame_path: str, skip_first: int = 0) -> None:
        """Lay each page of `frame_path` over the page with the same number."""
        frame = pikepdf.open(frame_path)
        retag_fonts(frame)
        for number, page in enumerate(self.pdf.pages):
            if number < skip_first or number >= len(frame.pages):
                continue
            page.add_overlay(frame.pages[number])
        self._frame = frame  # the overlays refer to it until save

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
        frame = getattr(self, "_frame", None)
        if frame is not None:
            frame.close()
        self.pdf.close()
