from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from campaigns.models import Campaign
from notifications import services
from notifications.access import get_campaign_for_policy, get_notification_for
from notifications.conf import health_max_age
from notifications.forms import PolicyForm, PreferenceForm
from notifications.models import Notification, ReminderPolicy, SweepRun
from notifications.titles import localise
from organisations.access import scope_for


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    qs = Notification.objects.filter(user=request.user).order_by("-id")
    show = request.GET.get("show", "")
    if show == "unread":
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    page.object_list = localise(page.object_list)
    scope = scope_for(request.user)
    policies = (
        Campaign.objects.filter(township__in=scope.office_townships).order_by("-year", "pk")
        if scope.office_townships
        else []
    )
    return render(
        request, "notifications/list.html", {"page": page, "show": show, "policies": policies}
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark as read and go to the thing to do."""
    notification = services.mark_read(get_notification_for(request.user, pk))
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = services.mark_read(get_notification_for(request.user, pk))
    localise([notification])
    if request.htmx:
        response = render(
            request,
            "notifications/_partials/row.html",
            {"notification": notification, "update_badge": True},
        )
        response["HX-Trigger"] = "qf-unread-changed"
        return response
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(request.user)
    messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": count})
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    preference = services.preference_of(request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        services.save_preference(request.user, form.cleaned_data["email_mode"])
        messages.success(request, _("通知偏好已保存。"))
        return redirect("notifications:preferences")
    from notifications.channel_forms import ChannelPreferenceForm

    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "channel_form": ChannelPreferenceForm(instance=preference)},
    )


@login_required
def policy(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    write = request.method == "POST"
    campaign = get_campaign_for_policy(request.user, campaign_pk, write=write)
    current = services.policy_of(campaign)
    form = PolicyForm(request.POST or None, instance=current)
    if write and form.is_valid():
        services.save_policy(campaign, form.cleaned_data, by=request.user)
        messages.success(request, _("提醒规则已保存，将从下一次提醒起生效。"))
        return redirect("notifications:policy", campaign_pk=campaign.pk)
    can_edit = scope_for(request.user).manages_township(campaign.township_id)
    return render(
        request,
        "notifications/policy.html",
        {
            "campaign": campaign,
            "form": form,
            "can_edit": can_edit,
            "schedule": [{"offset": o, "days": abs(o)} for o in current.offsets()],
            "in_workdays": current.day_unit == ReminderPolicy.DayUnit.WORKDAY,
        },
    )


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """The last completed sweep and the services it needs (database, broker, cache), for
    monitoring (no login; no names, no content). 503 when the sweep is stale or never ran,
    or when a service is down (named in `down`)."""
    from django.db import DatabaseError

    from config.health import response

    try:
        last = SweepRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
    except DatabaseError:
        return response({"last_sweep": None}, problem="down")
    if last is None:
        return response({"last_sweep": None}, problem="never")
    age = int((timezone.now() - last.finished_at).total_seconds())
    stale = age > health_max_age()
    return response(
        {
            "last_sweep": {
                "finished_at": last.finished_at.isoformat(),
                "age_seconds": age,
                "planned": last.planned,
                "sent": last.sent,
                "cancelled": last.cancelled,
                "held_for_night": last.held_for_night,
            },
            "max_age_seconds": health_max_age(),
        },
        problem="stale" if stale else "",
    )
