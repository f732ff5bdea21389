from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from reports.models import Kind, Report


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = Report

    kind = Kind.WORK_REPORT
    title = factory.LazyAttribute(lambda r: f"{r.campaign.name}工作情况汇报")


def jpeg_bytes(width: int, height: int, seed: int = 0) -> bytes:
    """A photo-like JPEG (gradient and noise, so it compresses like a photo does)."""
    import io
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(width // 20 + 1, width // 5 + 2)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def make_dossier_data(
    campaign,
    *,
    sites: int = 2,
    photos_per_site: int = 2,
    items: int = 4,
    evidence_per_item: int = 1,
    evidence_every: int = 1,
    photo_size: tuple[int, int] = (1200, 900),
    rectifications: int = 2,
    user=None,
):
    """Sites with photos and history, self-assessments and pre-checks with evidence photos,
    rectification items: what an acceptance dossier shows. Returns a dict of what it made."""
    import datetime as dt
    import hashlib
    from decimal import Decimal
    from pathlib import Path

    from django.conf import settings
    from django.utils import timezone

    from activities.models import ActivityRecord, Evidence
    from assessments.models import (
        Assessment,
        CriteriaGroup,
        CriteriaItem,
        CriteriaSet,
        ItemScore,
        LinkedEvidence,
        Rectification,
    )
    from organisations.models import Domain, Organisation
    from sites.models import Site, SiteEvent, SitePhoto, VisitorCount

    township = campaign.township
    villages = Domain.objects.get(code="villages")
    media = Path(settings.MEDIA_ROOT)
    base_photo = jpeg_bytes(*photo_size, seed=1)
    thumb = jpeg_bytes(320, 240, seed=2)

    def store(name: str, data: bytes) -> str:
        path = media / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return name

    criteria = CriteriaSet.objects.create(
        district_id=township.district_id,
        name=f"示范区域评审标准（{campaign.pk}）",
        pass_line=Decimal("80"),
    )
    group = CriteriaGroup.objects.create(criteria_set=criteria, name="活动开展", kind="activities")
    criteria_items = [
        CriteriaItem.objects.create(
            criteria_set=criteria,
            group=group,
            code=f"{i + 1}",
            text=f"每季度至少开展一次廉政文化主题活动（第{i + 1}项）",
            points=Decimal("5"),
            order=i,
        )
        for i in range(items)
    ]
    made = {"sites": [], "photos": 0, "evidence": 0, "criteria": criteria}
    for s in range(sites):
        unit = Organisation.objects.create(
            name=f"示范单位{s + 1}号",
            code=f"dossier-{campaign.pk}-{s}",
            level=Organisation.Level.UNIT,
            parent=township,
            main_domain=villages,
        )
        site = Site.objects.create(
            campaign=campaign,
            unit=unit,
            domain=villages,
            name=f"清风廉政文化示范点{s + 1}号",
            address=f"{township.name}第{s + 1}街",
            floor_area=Decimal("475.0"),
            opened_on=dt.date(2026, 1, 1),
            exhibition_sections="持之以恒，全面从严治党\n锻炼党性，坚定理想信念",
            status="prechecked",
        )
        made["sites"].append(site)
        VisitorCount.objects.create(site=site, month=dt.date(2026, 5, 1), visitors=120 + s)
        SiteEvent.objects.create(
            site=site, action="create", to_status="candidate", by=user, at=timezone.now()
        )
        SiteEvent.objects.create(
            site=site,
            action="precheck",
            from_status="candidate",
            to_status="prechecked",
            by=user,
            at=timezone.now(),
            note="逐条查漏完成",
        )
        for p in range(photos_per_site):
            digest = hashlib.sha256(f"{campaign.pk}-{s}-{p}".encode()).hexdigest()
            name = store(f"site-photos/{site.pk}/{digest[:16]}.jpg", base_photo)
            SitePhoto.objects.create(
                site=site, image=name, sha256=digest, caption=f"展馆照片{s + 1}-{p + 1}", order=p
            )
            made["photos"] += 1
        record = ActivityRecord.objects.create(
            campaign=campaign,
            unit=unit,
            domain=villages,
            type="lecture",
            title=f"示范单位{s + 1}号廉政党课",
            date=dt.date(2026, 6, 1),
            participants=50,
            status=ActivityRecord.Status.APPROVED,
        )
        own = Assessment.objects.create(
            kind=Assessment.Kind.SELF,
            criteria_set=criteria,
            campaign=campaign,
            township=township,
            district_id=township.district_id,
            site=site,
            unit=unit,
            assessed_on=dt.date(2026, 6, 10),
        )
        pre = Assessment.objects.create(
            kind=Assessment.Kind.PRECHECK,
            criteria_set=criteria,
            campaign=campaign,
            township=township,
            district_id=township.district_id,
            site=site,
            unit=unit,
            assessed_on=dt.date(2026, 6, 12),
        )
        for i, item in enumerate(criteria_items):
            ItemScore.objects.create(assessment=own, item=item, score=Decimal("5"))
            score = ItemScore.objects.create(
                assessment=pre,
                item=item,
                score=Decimal("4") if i % 2 else Decimal("5"),
                finding="台账不健全" if i % 2 else "",
            )
            for e in range(evidence_per_item if i % evidence_every == 0 else 0):
                digest = hashlib.sha256(f"ev-{campaign.pk}-{s}-{i}-{e}".encode()).hexdigest()
                ev = Evidence.objects.create(
                    record=record,
                    kind=Evidence.Kind.IMAGE,
                    file=store(f"evidence/{digest[:2]}/{digest}.jpg", base_photo),
                    thumbnail=store(f"evidence/thumbs/{digest[:2]}/{digest}.jpg", thumb),
                    original_name=f"现场照片{e + 1}.jpg",
                    mime_type="image/jpeg",
                    extension=".jpg",
                    size=len(base_photo),
                    sha256=digest,
                )
                LinkedEvidence.objects.create(item_score=score, evidence=ev)
                made["evidence"] += 1
        for r in range(rectifications):
            Rectification.objects.create(
                campaign=campaign,
                unit=unit,
                title=f"补齐活动台账（{r + 1}）",
                requirement="补充签到表和照片",
                deadline=dt.date(2026, 7, 1),
                status="closed" if r % 2 else "open",
            )
    return made
