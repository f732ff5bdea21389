"""Site events keep the person's words in `remark` and what the portal says about a step as
codes in `params` (worded at display in the reader's language, SiteEvent.note). Existing rows
written in Chinese are converted: 已到回头看日期, 推荐X命名, X未予命名：why, "X 文号"."""

import re

from django.db import migrations, models

LEVELS = {"镇级": "township", "区级": "district", "市级": "city", "省级": "province"}
LEVEL_NAMES = {code: name for name, code in LEVELS.items()}
LEVEL_RE = "|".join(LEVELS)


def to_codes(apps, schema_editor):
    SiteEvent = apps.get_model("demosites", "SiteEvent")
    for event in SiteEvent.objects.exclude(remark="").iterator(chunk_size=2000):
        text = event.remark.strip()
        params, remark = None, text
        if event.action == "review_due" and text == "已到回头看日期":
            params, remark = {}, ""
        elif event.action == "recommend" and (m := re.fullmatch(f"推荐({LEVEL_RE})命名", text)):
            params, remark = {"level": LEVELS[m[1]]}, ""
        elif event.action == "decline_higher" and (
            m := re.fullmatch(f"({LEVEL_RE})未予命名：(.*)", text, re.S)
        ):
            params, remark = {"level": LEVELS[m[1]]}, m[2]
        elif event.action in ("name", "name_higher") and (
            m := re.fullmatch(f"({LEVEL_RE}) (.+)", text, re.S)
        ):
            params, remark = {"level": LEVELS[m[1]], "doc": m[2]}, ""
        if params is not None:
            event.params = params
            event.remark = remark
            event.save(update_fields=["params", "remark"])


def to_text(apps, schema_editor):
    SiteEvent = apps.get_model("demosites", "SiteEvent")
    for event in SiteEvent.objects.iterator(chunk_size=2000):
        level = LEVEL_NAMES.get(event.params.get("level", ""), "")
        text = event.remark
        if event.action == "review_due" and not text:
            text = "已到回头看日期"
        elif event.action == "recommend" and level and not text:
            text = f"推荐{level}命名"
        elif event.action == "decline_higher" and level:
            text = f"{level}未予命名：{text}"
        elif event.action in ("name", "name_higher") and level and not text:
            text = f"{level} {event.params.get('doc', '')}"
        if text != event.remark:
            event.remark = text
            event.save(update_fields=["remark"])


class Migration(migrations.Migration):
    dependencies = [("demosites", "0005_status_words_and_higher_levels")]

    operations = [
        migrations.RenameField("siteevent", "note", "remark"),
        migrations.AddField(
            model_name="siteevent",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="参数"),
        ),
        migrations.RunPython(to_codes, to_text),
    ]
