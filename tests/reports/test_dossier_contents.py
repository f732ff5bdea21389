"""The acceptance dossier: every approved record with its photos, all the township's sites,
the responsible units, rectifications with re-checks, a 合计 row, one outline entry per chapter,
PDF/A-3b tagged output that survives the merge, fonts for every character, the chapter cache."""

import datetime as dt
import hashlib
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
import time_machine
from django.conf import settings

from reports.contexts import dossier
from tests.factories import TODAY, RecordFactory, domain
from tests.reports.conftest import pdf_text
from tests.reports.factories import jpeg_bytes, make_dossier_data

EXT_E = "\U0002c317"  # 𬌗, 通用规范汉字表, CJK Extension E (HanaMin B has it)
EXT_G = "\U00030000"  # CJK Extension G: no bundled or fallback face has it


def _photos(record, n, representative=()):
    from activities.models import Evidence

    media = Path(settings.MEDIA_ROOT)
    data = jpeg_bytes(800, 600, seed=record.pk)
    made = []
    for i in range(n):
        digest = hashlib.sha256(f"rec-{record.pk}-{i}".encode()).hexdigest()
        name = f"evidence/{digest[:2]}/{digest}.jpg"
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(data)
        made.append(
            Evidence.objects.create(
                record=record,
                kind=Evidence.Kind.IMAGE,
                file=name,
                original_name=f"照片{i + 1}.jpg",
                mime_type="image/jpeg",
                extension=".jpg",
                size=len(data),
                sha256=digest,
                representative=i in representative,
            )
        )
    return made


@pytest.fixture
def full(world, domains_a):
    """A campaign with records in two domains (one with many photos), a site named in an
    earlier year, co-host and creating units, a re-checked rectification."""
    from campaigns.models import CampaignDomain, CreatingUnit
    from sites.models import Site

    c = world.campaign_a
    data = make_dossier_data(c, sites=1, photos_per_site=1, items=2, user=world.office_a)
    cd = CampaignDomain.objects.get(campaign=c, domain__code="villages")
    cd.co_units.add(world.unit_a2)
    CreatingUnit.objects.create(campaign=c, unit=world.unit_a2, domain=domain("villages"))
    many = RecordFactory(
        campaign=c, unit=world.unit_a1, title=f"张{EXT_E}主讲廉政党课", date=dt.date(2026, 5, 20)
    )
    _photos(many, 8, representative=(2, 5))
    few = RecordFactory(
        campaign=c,
        unit=world.unit_a2,
        domain=domain("schools"),
        type="film",
        title="组织观看警示教育片",
        participants=120,
    )
    _photos(few, 2)
    RecordFactory(campaign=c, unit=world.unit_a1, status="draft", title="草稿不应出现")
    earlier = type(c).objects.create(
        township=c.township,
        year=2024,
        name="甲镇2024年创建廉政文化示范区域",
        start_date=dt.date(2024, 3, 1),
        end_date=dt.date(2024, 12, 31),
    )
    Site.objects.create(
        campaign=earlier,
        unit=world.unit_a2,
        domain=domain("villages"),
        name="甲二村廉政文化长廊",
        status="named",
        level="district",
        named_on=dt.date(2024, 11, 1),
        named_doc_number="通纪委〔2024〕12号",
    )
    rect = data["sites"][0].campaign.rectifications.first()
    rect.recheck_note = "台账已补齐"
    rect.recheck_score = 5
    rect.save()
    return {"many": many, "few": few, "data": data}


@time_machine.travel(TODAY)
def test_context_records_photos_and_totals(world, full):
    ctx = dossier.build(world.campaign_a, {})
    by_domain = {d["domain"].code: d["records"] for d in ctx["records"]}
    titles = [r["record"].title for rows in by_domain.values() for r in rows]
    assert f"张{EXT_E}主讲廉政党课" in titles and "组织观看警示教育片" in titles
    assert "草稿不应出现" not in titles
    many = next(r for r in by_domain["villages"] if r["record"] == full["many"])
    assert len(many["photos"]) == 2 and many["rest"] == 6 and many["photo_total"] == 8
    few = by_domain["schools"][0]
    assert len(few["photos"]) == 2 and few["rest"] == 0
    total = ctx["figures_total"]
    assert total["records"] == sum(f["records"] for f in ctx["figures"])
    assert total["participants"] == sum(f["participants"] for f in ctx["figures"])
    names = [s["site"].name for s in ctx["sites"]]
    assert "甲二村廉政文化长廊" in names  # named in 2024, still listed
    villages = next(d for d in ctx["summary"]["domains"] if d["domain"].code == "villages")
    assert [u.name for u in villages["co_units"]] == ["甲二村"]
    assert [u.name for u in villages["creating_units"]] == ["甲二村"]


@time_machine.travel(TODAY)
def test_record_scope_parameters(world, full):
    only_schools = dossier.build(world.campaign_a, {"records": "domain", "domain": "schools"})
    assert [d["domain"].code for d in only_schools["records"]] == ["schools"]
    linked = dossier.build(world.campaign_a, {"records": "criteria"})
    titles = [r["record"].title for d in linked["records"] for r in d["records"]]
    # only the site's record carries evidence linked to criteria items
    assert titles == ["示范单位1号廉政党课"]


@time_machine.travel(TODAY)
def test_pdf_shows_every_record_and_index_pages(world, full, tmp_path, settings, needs_poppler):
    settings.REPORT_WORKERS = 1
    ctx = dossier.build(world.campaign_a, {})
    rendered = dossier.render(ctx)
    (tmp_path / "dossier.pdf").write_bytes(rendered.pdf)
    text = pdf_text(rendered.pdf, tmp_path)
    pages = text.split("\f")
    flat = text.replace(" ", "")
    for title in ("组织观看警示教育片", "示范单位1号廉政党课", "甲二村廉政文化长廊", "复查得分5分"):
        assert title in flat
    assert "另有6张存档备查" in flat
    assert "通纪委〔2024〕12号" in flat
    # the 合计 row equals the database
    from activities.models import ActivityRecord

    approved = ActivityRecord.objects.counted().filter(campaign=world.campaign_a)
    people = sum(r.participants for r in approved)
    assert re.search(rf"合计\s+\S+\s+\d+\s+{approved.count()}\s+{people}", text)
    # each record's index row points at the page that shows it
    for rows in ctx["records"]:
        for r in rows["records"]:
            page = ctx["_pages"][r["anchor"]]
            assert r["record"].title in pages[page - 1].replace(" ", "")
    # one outline entry per chapter, and no more
    with pikepdf.open(tmp_path / "dossier.pdf") as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
        assert all(not item.children for item in outline.root)
    chapters = [c["title"] for c in ctx["chapters"] if c["title"]] + [ctx["index_title"]]
    assert titles == chapters
    assert "进农村活动开展情况" in "".join(titles)


@time_machine.travel(TODAY)
def test_pdfa_structure_survives_the_merge(world, full, tmp_path, settings):
    settings.REPORT_WORKERS = 2
    rendered = dossier.render(dossier.build(world.campaign_a, {}))
    path = tmp_path / "dossier.pdf"
    path.write_bytes(rendered.pdf)
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "zh-CN"
        assert bool(root.MarkInfo.Marked)
        intent = root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1" and "/DestOutputProfile" in intent
        meta = pdf.open_metadata()
        assert meta.pdfa_status == "3B"
        assert meta["dc:title"] == f"{world.campaign_a.name}申报验收材料"
        # every page is tied into one structure tree whose parent tree has its key
        tree = root.StructTreeRoot
        nums = tree.ParentTree.Nums
        keys = [int(nums[i]) for i in range(0, len(nums), 2)]
        assert len(keys) == len(set(keys))
        page_keys = [int(p.obj.StructParents) for p in pdf.pages]
        assert len(set(page_keys)) == len(pdf.pages)
        assert set(page_keys) <= set(keys)
        assert int(tree.ParentTreeNextKey) > max(keys)
        # the struct elements the pages point to belong to this document's pages
        page_ids = {p.obj.objgen for p in pdf.pages}
        for i in range(1, len(nums), 2):
            for element in nums[i] if isinstance(nums[i], pikepdf.Array) else [nums[i]]:
                if isinstance(element, pikepdf.Dictionary) and "/Pg" in element:
                    assert element.Pg.objgen in page_ids
        # distinct font programs carry distinct subset tags
        seen = {}
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                program = obj.get("/FontFile2") or obj.get("/FontFile3")
                if program is None:
                    continue
                digest = hashlib.sha256(program.read_raw_bytes()).hexdigest()
                tag = str(obj.FontName)[1:7]
                assert seen.setdefault(tag, digest) == digest, f"tag {tag} reused"
        assert len(seen) >= 3


@time_machine.travel(TODAY)
def test_rare_characters_get_a_face_or_a_warning(world, full, tmp_path, settings, needs_poppler):
    from activities.models import ActivityRecord

    settings.REPORT_WORKERS = 1
    ActivityRecord.objects.filter(pk=full["few"].pk).update(title=f"李{EXT_G}组织观看警示片")
    rendered = dossier.render(dossier.build(world.campaign_a, {}))
    text = pdf_text(rendered.pdf, tmp_path)
    assert EXT_E in text  # drawn with the HanaMin B subset
    # one warning per place the character occurs: its chapter and the evidence index
    missing = [w for w in rendered.warnings if "缺字" in w]
    assert len(missing) == 2
    assert all(EXT_G in w and "U+30000" in w and f"李{EXT_G}组织观看警示片" in w for w in missing)
    assert "进学校活动开展情况" in missing[0] and "佐证材料索引" in missing[1]
    assert not any(EXT_E in w for w in rendered.warnings)
    fonts = subprocess.run(
        ["pdffonts", "-"], input=rendered.pdf, capture_output=True, check=False
    ).stdout.decode()
    assert "QF-Fallback" in fonts


@time_machine.travel(TODAY)
def test_unchanged_chapters_are_reused(world, full, tmp_path, settings, needs_poppler):
    from activities.models import ActivityRecord

    settings.REPORT_WORKERS = 1
    first = dossier.build(world.campaign_a, {})
    dossier.render(first)
    assert first["_laid_out"] > 5 and first["_reused"] == 0
    again = dossier.build(world.campaign_a, {})
    dossier.render(again)
    assert again["_laid_out"] == 0
    ActivityRecord.objects.filter(pk=full["few"].pk).update(title="组织观看警示教育片（改）")
    changed = dossier.build(world.campaign_a, {})
    rendered = dossier.render(changed)
    # the schools chunk, the index (its row changed) and their drafts: not the other chapters
    assert 1 <= changed["_laid_out"] <= 3
    assert "组织观看警示教育片（改）" in pdf_text(rendered.pdf, tmp_path).replace(" ", "")
