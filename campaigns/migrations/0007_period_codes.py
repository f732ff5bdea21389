"""Task periods are stored with a language-neutral code ("month:2026-05", "whole" …) and named
at display (campaigns.periods.period_label). Existing labels, written in Chinese (or, when an
English session created the task, in English), are converted to codes."""

import re

from django.db import migrations, models

PATTERNS = [
    (r"全程|Whole task", lambda m: "whole"),
    (r"(\d{4})年(\d{1,2})月", lambda m: f"month:{m[1]}-{int(m[2]):02d}"),
    (r"(\d{1,2})/(\d{4})", lambda m: f"month:{m[2]}-{int(m[1]):02d}"),
    (r"(\d{4})年第(\d)季度", lambda m: f"quarter:{m[1]}-{m[2]}"),
    (r"Q(\d) (\d{4})", lambda m: f"quarter:{m[2]}-{m[1]}"),
    (r"(\d{4})年度|Year (\d{4})", lambda m: f"year:{m[1] or m[2]}"),
    (r"(\d{4})年春季学期|Spring semester (\d{4})", lambda m: f"spring:{m[1] or m[2]}"),
    (r"(\d{4})年秋季学期|Autumn semester (\d{4})", lambda m: f"autumn:{m[1] or m[2]}"),
    (r"第(\d+)期", lambda m: f"part:{m[1]}"),
]
LABELS = {
    "whole": lambda v: "全程",
    "month": lambda v: "{}年{}月".format(*map(int, v.split("-"))),
    "quarter": lambda v: "{}年第{}季度".format(*map(int, v.split("-"))),
    "year": lambda v: f"{v}年度",
    "spring": lambda v: f"{v}年春季学期",
    "autumn": lambda v: f"{v}年秋季学期",
    "part": lambda v: f"第{v}期",
}


def code_for(label: str) -> str:
    for pattern, make in PATTERNS:
        m = re.fullmatch(pattern, label.strip())
        if m:
            return make(m)
    return label


def _rewrite(apps, schema_editor, convert) -> None:
    """One UPDATE per 200 distinct values (a CASE over them): a few statements for the whole
    table however many periods it holds."""
    TaskPeriod = apps.get_model("campaigns", "TaskPeriod")
    # order_by(): the model orders by (task, index), which DISTINCT would otherwise include
    values = TaskPeriod.objects.order_by().values_list("code", flat=True).distinct()
    mapping = [(old, new) for old in values if (new := convert(old)) != old]
    table = schema_editor.quote_name(TaskPeriod._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        for start in range(0, len(mapping), 200):
            chunk = mapping[start : start + 200]
            cases = " ".join("WHEN %s THEN %s" for _ in chunk)
            marks = ", ".join("%s" for _ in chunk)
            params = [v for pair in chunk for v in pair] + [old for old, _new in chunk]
            cursor.execute(
                f"UPDATE {table} SET code = CASE code {cases} END WHERE code IN ({marks})",
                params,
            )


def to_codes(apps, schema_editor):
    _rewrite(apps, schema_editor, code_for)


def label_for(code: str) -> str:
    kind, _sep, value = code.partition(":")
    return LABELS[kind](value) if kind in LABELS else code


def to_labels(apps, schema_editor):
    _rewrite(apps, schema_editor, label_for)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0006_office_pass_line_and_reason")]

    operations = [
        migrations.RenameField("taskperiod", "label", "code"),
        migrations.RunPython(to_codes, to_labels),
    ]
