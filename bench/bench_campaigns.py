"""Campaign pages on the big campaign (5,000 tasks, 60,000 periods): task list and overview."""

from __future__ import annotations

from django.urls import reverse

from campaigns.models import Campaign, Task
from organisations.models import Role


def run(h) -> None:
    big = max(
        Campaign.objects.filter(name__startswith="规模测试活动"),
        key=lambda c: Task.objects.filter(campaign=c).count(),
    )
    office = Role.objects.filter(organisation=big.township, kind=Role.Kind.OFFICE).first().user
    leader = Role.objects.filter(organisation=big.township, kind=Role.Kind.LEADER).first().user
    unit = Task.objects.filter(campaign=big).values_list("lead_unit", flat=True).first()
    liaison = Role.objects.filter(organisation_id=unit, kind=Role.Kind.LIAISON).first().user
    tasks = reverse("campaigns:task_list")
    h.page("campaigns: task list (office, page 1)", office.username, tasks)
    h.page("campaigns: task list (office, page 40)", office.username, tasks + "?page=40")
    h.page("campaigns: task list (status=overdue)", office.username, tasks + "?status=overdue")
    h.page(
        "campaigns: task list (status=not_started)", office.username, tasks + "?status=not_started"
    )
    h.page(
        "campaigns: task list (leader, domain+phase)",
        leader.username,
        tasks + f"?domain={Task.objects.filter(campaign=big).first().domain_id}"
        f"&phase={big.phases.last().pk}",
    )
    h.page("campaigns: task list (liaison)", liaison.username, tasks)
    h.page(
        "campaigns: overview", office.username, reverse("campaigns:campaign_detail", args=[big.pk])
    )
    h.page("campaigns: home (office panel)", office.username, reverse("home"))
    h.page("campaigns: home (liaison panel)", liaison.username, reverse("home"))
