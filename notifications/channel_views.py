"""The office's channel pages (WeChat Work, DingTalk, SMS) and a person's own channel choice."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications import conf, dispatch
from notifications.access import (
    get_channel_for,
    get_channel_message_for,
    get_township_for_channels,
)
from notifications.channel_forms import ChannelConfigForm, ChannelPreferenceForm
from notifications.channel_models import ChannelConfig, ChannelKind, OutboundMessage
from notifications.channel_services import (
    ChannelError,
    delete_channel,
    save_channel,
    save_channel_preference,
    set_wecom_userids,
    stored_secret_names,
    township_people,
)
from notifications.services import preference_of
from notifications.sweep import is_quiet
from organisations.access import office_townships_of


@login_required
def channel_home(request: HttpRequest) -> HttpResponse:
    """The first township the user runs (most office staff run exactly one)."""
    township = office_townships_of(request.user).first()
    if township is None:
        raise Http404
    return redirect("notifications:channels", township_pk=township.pk)


@login_required
def channel_list(request: HttpRequest, township_pk: int) -> HttpResponse:
    township = get_township_for_channels(request.user, township_pk)
    since = timezone.now() - dt.timedelta(days=7)
    configs = list(
        ChannelConfig.objects.filter(township=township)
        .select_related("unit")
        .annotate(
            sent=Count(
                "messages", filter=Q(messages__state="sent", messages__created_at__gte=since)
            ),
            waiting=Count("messages", filter=Q(messages__state__in=["pending", "sending"])),
            failed=Count(
                "messages", filter=Q(messages__state="failed", messages__created_at__gte=since)
            ),
        )
        .order_by("kind", "unit__name")
    )
    return render(
        request,
        "notifications/channels/list.html",
        {
            "township": township,
            "configs": configs,
            "kinds": ChannelKind.choices,
            "failed": OutboundMessage.objects.filter(
                config__township=township, state=OutboundMessage.State.FAILED
            ).count(),
        },
    )


def _form_page(request, township, kind, config=None) -> HttpResponse:
    secrets_set = stored_secret_names(config)
    form = ChannelConfigForm(
        request.POST or None,
        kind=kind,
        township=township,
        config=config,
        secrets_set=secrets_set,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_channel(
                township=township,
                kind=kind,
                data=form.cleaned_data,
                options=form.options(),
                secrets=form.new_secrets(),
                by=request.user,
                config=config,
            )
        except ChannelError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("渠道设置已保存。可以点“发送测试消息”检查是否设置正确。"))
            return redirect("notifications:channels", township_pk=saved.township_id)
    return render(
        request,
        "notifications/channels/form.html",
        {
            "township": township,
            "kind_label": ChannelKind(kind).label,
            "form": form,
            "config": config,
            "secret_unreadable": bool(config and config.secret and not secrets_set),
        },
    )


@login_required
def channel_create(request: HttpRequest, township_pk: int, kind: str) -> HttpResponse:
    township = get_township_for_channels(request.user, township_pk)
    if kind not in ChannelKind.values:
        raise Http404
    return _form_page(request, township, kind)


@login_required
def channel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    config = get_channel_for(request.user, pk)
    return _form_page(request, config.township, config.kind, config)


@login_required
@require_POST
def channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    config = get_channel_for(request.user, pk)
    delete_channel(config)
    messages.success(request, _("已删除渠道设置。"))
    return redirect("notifications:channels", township_pk=config.township_id)


@login_required
@require_POST
def channel_test(request: HttpRequest, pk: int) -> HttpResponse:
    config = get_channel_for(request.user, pk)
    outcome = dispatch.send_test(config, request.user)
    if outcome.ok:
        messages.success(request, _("测试消息已发出，服务商答复：%(r)s") % {"r": outcome.reason})
    else:
        messages.error(request, _("测试消息未能发出，服务商答复：%(r)s") % {"r": outcome.reason})
    return redirect("notifications:channels", township_pk=config.township_id)


@login_required
def channel_messages(request: HttpRequest, township_pk: int) -> HttpResponse:
    township = get_township_for_channels(request.user, township_pk)
    state = request.GET.get("state", "failed")
    qs = (
        OutboundMessage.objects.filter(config__township=township)
        .select_related("config", "config__unit", "user")
        .order_by("-id")
    )
    if state in OutboundMessage.State.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/channels/messages.html",
        {
            "township": township,
            "page": page,
            "state": state,
            "states": OutboundMessage.State.choices,
        },
    )


@login_required
@require_POST
def channel_message_resend(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_channel_message_for(request.user, pk)
    if dispatch.resend(message):
        hours = conf.quiet_hours()
        if is_quiet(timezone.now()) and hours:
            # the worker holds it until the quiet hours end: say so, not "sent"
            messages.success(
                request,
                _(
                    "已重新加入发送队列。现在是免打扰时段（%(start)s–%(end)s），将在 %(end)s 后发送。"
                )
                % {"start": hours[0].strftime("%H:%M"), "end": hours[1].strftime("%H:%M")},
            )
        else:
            messages.success(request, _("已重新加入发送队列。"))
    else:
        messages.warning(request, _("这条消息不是“发送失败”状态，未重新发送。"))
    return redirect("notifications:channel_messages", township_pk=message.config.township_id)


@login_required
@require_POST
def channel_preferences(request: HttpRequest) -> HttpResponse:
    """A person's own choice: WeChat Work / SMS besides the in-app bell and email (the form
    sits on the preferences page)."""
    from notifications.forms import PreferenceForm

    preference = preference_of(request.user)
    form = ChannelPreferenceForm(request.POST, instance=preference)
    if form.is_valid():
        save_channel_preference(request.user, form.cleaned_data)
        messages.success(request, _("通知渠道已保存。"))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": PreferenceForm(instance=preference), "channel_form": form},
    )


@login_required
def channel_accounts(request: HttpRequest, township_pk: int) -> HttpResponse:
    """The office fills in its people's WeChat Work accounts (UserID) in one table."""
    township = get_township_for_channels(request.user, township_pk)
    if request.method == "POST":
        values = {}
        for name, value in request.POST.items():
            if name.startswith("userid-") and name[7:].isdigit():
                values[int(name[7:])] = value
        changed, bad = set_wecom_userids(township, values)
        if bad:
            messages.error(
                request,
                _("以下人员的企业微信账号格式不对（只含字母、数字和 _ - . @），未保存：%(names)s")
                % {"names": "、".join(bad)},
            )
        messages.success(request, _("已更新 %(n)s 人的企业微信账号。") % {"n": changed})
        return redirect("notifications:channel_accounts", township_pk=township.pk)
    people = [
        (
            person,
            getattr(getattr(person, "notification_preference", None), "wecom_userid", ""),
        )
        for person in township_people(township)
    ]
    return render(
        request,
        "notifications/channels/accounts.html",
        {"township": township, "people": people},
    )
