"""文号 (document numbers) the way GB/T 9704-2012 writes them: 机关代字〔年份〕序号号.

The year sits in hexagonal brackets 〔〕 (not [ ], ［］ or （）), is written in full, and the
serial number has no leading zero and no 第: 清纪发〔2026〕4号.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DOC_NUMBER = re.compile(
    r"^(?P<organ>[\u4e00-\u9fff]{1,20})〔(?P<year>\d{4})〕(?P<serial>[1-9]\d{0,4})号$"
)
WRONG_BRACKETS = re.compile(r"[\[\]［］()（）【】〈〉<>]")


def validate_doc_number(value: str) -> str:
    """The 文号 cleaned, or a ValidationError that says in Chinese what is wrong."""
    value = (value or "").strip().replace(" ", "").replace("\u3000", "")
    match = DOC_NUMBER.match(value)
    if match and 1949 <= int(match["year"]) <= 2100:
        return value
    example = _("例如：清纪发〔2026〕4号")
    if WRONG_BRACKETS.search(value):
        raise ValidationError(
            _("文号中的年份须用六角括号〔〕括入，不用 [ ]、［］或（）。%(example)s")
            % {"example": example},
            code="brackets",
        )
    if re.search(r"〔\d{2}〕", value) or (match and not 1949 <= int(match["year"]) <= 2100):
        raise ValidationError(
            _("文号中的年份须写全四位。%(example)s") % {"example": example}, code="year"
        )
    if re.search(r"〕(0\d*|第)", value):
        raise ValidationError(
            _("文号的序号不编虚位、不加“第”字（1 不写作 01）。%(example)s") % {"example": example},
            code="serial",
        )
    raise ValidationError(
        _("文号须写作“机关代字〔年份〕序号号”。%(example)s") % {"example": example},
        code="format",
    )
