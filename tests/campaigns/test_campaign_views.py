import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from campaigns.models import Campaign, CampaignDomain, LeadershipMember, Milestone, Phase
from tests.campaigns.conftest import many_tasks
from tests.factories import TODAY, TaskFactory

D = dt.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


# --- list --------------------------------------------------------------------------------


def test_list_shows_own_township_only(world, login):
    response = login(world.office_a).get(reverse("campaigns:campaign_list"))
    assert response.status_code == 200
    assert list(response.context["campaigns"]) == [world.campaign_a]
    assert response.context["can_create"]


def test_list_for_district_leader_and_outsider(world, login):
    response = login(world.district_leader).get(reverse("campaigns:campaign_list"))
    assert set(response.context["campaigns"]) == {world.campaign_a, world.campaign_b}
    assert not response.context["can_create"]
    response = login(world.outsider).get(reverse("campaigns:campaign_list"))
    assert response.context["campaigns"] == []


def test_list_query_count_does_not_grow(world, login, django_assert_num_queries):
    from tests.factories import CampaignFactory

    for year in range(2015, 2025):
        CampaignFactory(township=world.township_a, year=year, phases=False)
    client = login(world.office_a)
    with django_assert_num_queries(5):  # session, user, roles, campaigns + the nav bar's
        response = client.get(reverse("campaigns:campaign_list"))
    assert len(response.context["campaigns"]) == 11


# --- create / edit -----------------------------------------------------------------------


def campaign_data(world, **over):
    from organisations.models import Domain

    data = {
        "township": world.township_a.pk,
        "year": 2027,
        "name": "甲镇2027年创建廉政文化示范区域",
        "start_date": "2027-03-20",
        "end_date": "2027-07-20",
        "monthly_report_day": 5,
        "guiding_ideology": "以廉为荣",
        "overall_goal": "",
        "domains": [d.pk for d in Domain.objects.filter(is_default=True)],
        "new_domain": "进网络",
    }
    data.update(over)
    return data


def test_office_creates_a_campaign_with_the_eight_into_and_an_added_domain(world, login):
    response = login(world.office_a).post(
        reverse("campaigns:campaign_create"), campaign_data(world)
    )
    campaign = Campaign.objects.get(township=world.township_a, year=2027)
    assert response.status_code == 302
    assert response.url == reverse("campaigns:campaign_detail", args=[campaign.pk])
    names = [cd.domain.name for cd in campaign.campaign_domains.select_related("domain")]
    assert len(names) == 9 and "进网络" in names and "进农村" in names
    assert campaign.created_by == world.office_a


def test_create_form_defaults_to_the_eight_into(world, login):
    response = login(world.office_a).get(reverse("campaigns:campaign_create"))
    assert response.status_code == 200
    assert len(response.context["form"]["domains"].initial) == 8


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"end_date": "2027-03-01"}, "end_date", "结束日期不能早于开始日期。"),
        ({"year": 2026}, "year", "本镇该年度的创建工作已存在。"),
        ({"domains": [], "new_domain": ""}, "domains", "请至少选择一个创建领域。"),
        ({"monthly_report_day": 31}, "monthly_report_day", "月报报送日须在1至28日之间。"),
    ],
)
def test_bad_campaign_input_is_refused_at_the_field(world, login, over, field, message):
    response = login(world.office_a).post(
        reverse("campaigns:campaign_create"), campaign_data(world, **over)
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert not Campaign.objects.filter(year=2027).exists()


def test_office_cannot_create_for_another_township(world, login):
    response = login(world.office_a).post(
        reverse("campaigns:campaign_create"),
        campaign_data(world, township=world.township_b.pk),
    )
    assert response.status_code == 200
    assert "township" in response.context["form"].errors
    assert not Campaign.objects.filter(year=2027).exists()


@pytest.mark.parametrize("who", ["leader_a", "liaison_a1", "outsider"])
def test_non_office_cannot_create(world, login, who):
    assert login(getattr(world, who)).get(reverse("campaigns:campaign_create")).status_code == 403


def test_edit_campaign(world, login):
    url = reverse("campaigns:campaign_edit", args=[world.campaign_a.pk])
    data = campaign_data(
        world, year=2026, name="改名", start_date="2026-03-01", end_date="2026-08-01"
    )
    response = login(world.office_a).post(url, data)
    assert response.status_code == 302
    world.campaign_a.refresh_from_db()
    assert (world.campaign_a.name, world.campaign_a.end_date) == ("改名", D(2026, 8, 1))


def test_edit_refuses_dates_that_leave_a_milestone_outside(world, login):
    Milestone.objects.create(
        campaign=world.campaign_a, kind="other", title="月报", due_date=D(2026, 7, 15)
    )
    url = reverse("campaigns:campaign_edit", args=[world.campaign_a.pk])
    response = login(world.office_a).post(
        url, campaign_data(world, year=2026, start_date="2026-03-20", end_date="2026-07-01")
    )
    assert "月报" in response.context["form"].errors["end_date"][0]
    world.campaign_a.refresh_from_db()
    assert world.campaign_a.end_date == D(2026, 7, 20)


@pytest.mark.parametrize(
    ("who", "status"),
    [("leader_a", 403), ("liaison_a1", 403), ("office_b", 404), ("outsider", 404)],
)
def test_edit_refused(world, login, who, status):
    url = reverse("campaigns:campaign_edit", args=[world.campaign_a.pk])
    assert login(getattr(world, who)).get(url).status_code == status


# --- overview ----------------------------------------------------------------------------


def test_overview_shows_current_phase_days_left_and_domain_counts(world, plan, login):
    response = login(world.office_a).get(
        reverse("campaigns:campaign_detail", args=[world.campaign_a.pk])
    )
    assert response.status_code == 200
    ctx = response.context
    assert ctx["current_phase"].kind == Phase.Kind.CREATION
    assert ctx["phase_days_left"] == 25  # 2026-07-10 − 2026-06-15
    villages = next(c for c in ctx["counts"] if c.domain.code == "villages")
    assert (villages.total, villages.done) == (3, 0)
    assert "实施创建阶段" in response.content.decode()
    assert "2026年7月20日" in response.content.decode()


@pytest.mark.parametrize("who", ["leader_a", "liaison_a1", "district_leader"])
def test_overview_readable(world, plan, login, who):
    response = login(getattr(world, who)).get(
        reverse("campaigns:campaign_detail", args=[world.campaign_a.pk])
    )
    assert response.status_code == 200
    assert not response.context["can_manage"]


@pytest.mark.parametrize("who", ["liaison_b1", "office_b", "outsider", "other_reviewer"])
def test_overview_refused_to_outsiders(world, login, who):
    url = reverse("campaigns:campaign_detail", args=[world.campaign_a.pk])
    assert login(getattr(world, who)).get(url).status_code == 404


def test_overview_query_count_is_fixed(world, plan, login, django_assert_num_queries):
    many_tasks(world.campaign_a, [world.unit_a1, world.unit_a2], n=40)
    client = login(world.office_a)
    url = reverse("campaigns:campaign_detail", args=[world.campaign_a.pk])
    with django_assert_num_queries(12):
        client.get(url)
    for i in range(20):
        TaskFactory(campaign=world.campaign_a, title=f"再加{i}", lead_unit=world.unit_a2)
    with django_assert_num_queries(12):
        response = client.get(url)
    assert sum(c.total for c in response.context["counts"]) == 63


# --- sections ----------------------------------------------------------------------------


def formset_data(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def test_leadership_section(world, login):
    url = reverse("campaigns:campaign_section", args=[world.campaign_a.pk, "leadership"])
    data = formset_data(
        "leadership",
        [{"name": "李国强", "job_title": "镇党委书记", "position": "leader", "order": 0}],
    )
    response = login(world.office_a).post(url, data)
    assert response.status_code == 302
    assert LeadershipMember.objects.get(campaign=world.campaign_a).name == "李国强"


def test_responsibility_refuses_a_unit_of_another_township(world, plan, login):
    url = reverse("campaigns:campaign_section", args=[world.campaign_a.pk, "responsibility"])
    client = login(world.office_a)
    assert client.get(url).status_code == 200
    cds = list(world.campaign_a.campaign_domains.all())
    rows = [{"id": cd.pk, "lead_unit": ""} for cd in cds]
    rows[0]["lead_unit"] = world.unit_b1.pk
    rows[1]["lead_unit"] = world.unit_a1.pk
    response = client.post(url, formset_data("campaign_domains", rows, initial=len(rows)))
    assert response.status_code == 200
    forms = response.context["formsets"][0].forms
    assert forms[0].errors["lead_unit"] == ["所选单位不属于本镇。"]
    assert not forms[1].errors  # a unit of the township is fine
    assert not CampaignDomain.objects.filter(
        campaign=world.campaign_a, lead_unit__isnull=False
    ).exists()
    rows[0]["lead_unit"] = world.unit_a2.pk
    rows[1]["co_units"] = [world.unit_a2.pk]
    response = client.post(url, formset_data("campaign_domains", rows, initial=len(rows)))
    assert response.status_code == 302
    first, second = world.campaign_a.campaign_domains.all()[:2]
    assert (first.lead_unit, second.lead_unit) == (world.unit_a2, world.unit_a1)
    assert list(second.co_units.all()) == [world.unit_a2]


def test_unknown_section_is_404(world, login):
    url = reverse("campaigns:campaign_section", args=[world.campaign_a.pk, "nope"])
    assert login(world.office_a).get(url).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"), [("leader_a", 403), ("liaison_a1", 403), ("liaison_b1", 404)]
)
def test_sections_refused(world, login, who, status):
    url = reverse("campaigns:campaign_section", args=[world.campaign_a.pk, "documents"])
    assert login(getattr(world, who)).get(url).status_code == status
    url = reverse("campaigns:campaign_phases", args=[world.campaign_a.pk])
    assert login(getattr(world, who)).get(url).status_code == status


def phases_post(campaign, phases, milestones):
    existing = list(campaign.phases.all())
    rows = [
        {
            "id": p.pk,
            "kind": p.kind,
            "name": p.name,
            "start_date": p.start_date,
            "end_date": p.end_date,
            "DELETE": "on",
        }
        for p in existing
    ]
    data = formset_data("phases", rows + phases, initial=len(existing))
    data.update(formset_data("milestones", milestones))
    return data


def test_phases_replaced_and_milestones_placed(world, login):
    url = reverse("campaigns:campaign_phases", args=[world.campaign_a.pk])
    phases = [
        {"kind": "creation", "name": "实施", "start_date": "2026-05-01", "end_date": "2026-07-20"},
        {
            "kind": "mobilisation",
            "name": "发动",
            "start_date": "2026-03-20",
            "end_date": "2026-04-30",
        },
    ]
    milestones = [
        {"kind": "plan_due", "title": "报方案", "due_date": "2026-04-30", "description": ""}
    ]
    response = login(world.office_a).post(url, phases_post(world.campaign_a, phases, milestones))
    assert response.status_code == 302, response.context["formsets"][0].errors
    assert [(p.order, p.name) for p in world.campaign_a.phases.all()] == [(1, "发动"), (2, "实施")]
    assert Milestone.objects.get(campaign=world.campaign_a).phase.name == "发动"


@pytest.mark.parametrize(
    ("phases", "milestones", "where", "message"),
    [
        (
            [
                {
                    "kind": "mobilisation",
                    "name": "一",
                    "start_date": "2026-03-20",
                    "end_date": "2026-05-10",
                },
                {
                    "kind": "creation",
                    "name": "二",
                    "start_date": "2026-05-01",
                    "end_date": "2026-07-20",
                },
            ],
            [],
            ("phases", 4, "start_date"),
            "与阶段“一”时间重叠。",
        ),
        (
            [
                {
                    "kind": "creation",
                    "name": "倒",
                    "start_date": "2026-06-01",
                    "end_date": "2026-05-01",
                }
            ],
            [],
            ("phases", 3, "end_date"),
            "结束日期不能早于开始日期。",
        ),
        (
            [],
            [{"kind": "other", "title": "外", "due_date": "2026-09-01", "description": ""}],
            ("milestones", 0, "due_date"),
            "时间节点须在活动期间",
        ),
    ],
)
def test_bad_phases_are_refused_and_nothing_saved(world, login, phases, milestones, where, message):
    url = reverse("campaigns:campaign_phases", args=[world.campaign_a.pk])
    before = list(world.campaign_a.phases.values_list("pk", "start_date"))
    response = login(world.office_a).post(url, phases_post(world.campaign_a, phases, milestones))
    assert response.status_code == 200
    prefix, index, field = where
    formset = next(f for f in response.context["formsets"] if f.prefix == prefix)
    assert message in formset.forms[index].errors[field][0]
    assert list(world.campaign_a.phases.values_list("pk", "start_date")) == before
    assert not Milestone.objects.exists()


# --- copy --------------------------------------------------------------------------------


def test_copy_to_new_year(world, plan, login):
    url = reverse("campaigns:campaign_copy", args=[world.campaign_a.pk])
    response = login(world.office_a).post(url, {"year": 2027})
    new = Campaign.objects.get(township=world.township_a, year=2027)
    assert response.url == reverse("campaigns:campaign_detail", args=[new.pk])
    assert new.tasks.count() == 3


def test_copy_to_existing_year_says_so(world, login):
    url = reverse("campaigns:campaign_copy", args=[world.campaign_a.pk])
    response = login(world.office_a).post(url, {"year": 2026}, follow=True)
    assert "已存在" in response.content.decode()
    assert Campaign.objects.filter(township=world.township_a).count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [("leader_a", 403), ("liaison_a1", 403), ("liaison_b1", 404), ("outsider", 404)],
)
def test_copy_refused(world, login, who, status):
    url = reverse("campaigns:campaign_copy", args=[world.campaign_a.pk])
    assert login(getattr(world, who)).post(url, {"year": 2027}).status_code == status
    assert not Campaign.objects.filter(year=2027).exists()


def test_copy_is_post_only(world, login):
    url = reverse("campaigns:campaign_copy", args=[world.campaign_a.pk])
    assert login(world.office_a).get(url).status_code == 405


def test_today_fixture_is_the_shared_today():
    from django.utils import timezone

    assert timezone.localdate() == TODAY


def test_documents_section_with_a_file(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("campaigns:campaign_section", args=[world.campaign_a.pk, "documents"])
    data = formset_data(
        "documents",
        [{"doc_number": "通纪委〔2023〕96号", "title": "实施意见", "issuer": "区纪委"}],
    )
    data["documents-0-file"] = SimpleUploadedFile("yijian.pdf", b"%PDF-1.4 test")
    response = login(world.office_a).post(url, data)
    assert response.status_code == 302
    doc = world.campaign_a.documents.get()
    assert doc.doc_number == "通纪委〔2023〕96号" and doc.file.name.endswith(".pdf")


def test_creating_units_section_refuses_a_domain_outside_the_campaign(world, plan, login):
    url = reverse("campaigns:campaign_section", args=[world.campaign_a.pk, "creating"])
    world.campaign_a.campaign_domains.filter(domain__code="schools").delete()
    from tests.factories import domain

    client = login(world.office_a)
    bad = formset_data(
        "creating_units", [{"unit": world.unit_a1.pk, "domain": domain("schools").pk}]
    )
    response = client.post(url, bad)
    assert response.context["formsets"][0].forms[0].errors["domain"] == ["本活动不含该领域。"]
    good = formset_data("creating_units", [{"unit": world.unit_a1.pk, "domain": domain().pk}])
    assert client.post(url, good).status_code == 302
    assert world.campaign_a.creating_units.get().unit == world.unit_a1
