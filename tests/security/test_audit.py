"""The audit log: what it records (time, type, subject, object, result, IP), that it is
append-only (model, queryset, PostgreSQL trigger) with a hash chain a command verifies, that
it is kept at least 180 days, and that only the auditor role reads and exports it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from openpyxl import load_workbook

from activities import services as record_services
from audit.models import AppendOnlyError, AuditEvent
from audit.services import record_event
from organisations.models import Role
from tests.activities.test_review import submitted
from tests.factories import give_role
from tests.reports.test_views import done  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the trigger exists on PostgreSQL only"
)


@pytest.fixture
def auditor(world):
    give_role(world.outsider, world.district, Role.Kind.AUDITOR)
    return world.outsider


def test_login_logout_and_failure_are_recorded_with_ip(world, client):
    client.post(
        reverse("login"), {"username": "liaison_a1", "password": "x"}, REMOTE_ADDR="10.1.2.3"
    )
    client.post(
        reverse("login"),
        {"username": "liaison_a1", "password": "pass-1234"},
        REMOTE_ADDR="10.1.2.3",
    )
    client.post(reverse("logout"), REMOTE_ADDR="10.1.2.3")
    rows = list(
        AuditEvent.objects.exclude(kind="role_change")  # the world fixture's roles
        .order_by("id")
        .values_list("kind", "result", "actor_name", "ip")
    )
    assert rows == [
        ("login_failed", "failure", "liaison_a1", "10.1.2.3"),
        ("login", "success", "liaison_a1", "10.1.2.3"),
        ("logout", "success", "liaison_a1", "10.1.2.3"),
    ]


def test_client_ip_comes_from_the_proxy_header_only_when_configured(world, client, settings):
    def failed_login_ip(**meta):
        client.post(reverse("login"), {"username": "nobody", "password": "x"}, **meta)
        return AuditEvent.objects.order_by("-id").first().ip

    meta = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "203.0.113.7"}
    assert failed_login_ip(**meta) == "127.0.0.1"  # a client cannot claim an address
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert failed_login_ip(**meta) == "203.0.113.7"


def test_approval_return_and_bulk_approval_are_recorded(world, login):
    one = submitted(world.campaign_a, world.unit_a1, title="一")
    two = submitted(world.campaign_a, world.unit_a1, title="二")
    three = submitted(world.campaign_a, world.unit_a2, title="三")
    client = login(world.office_a)
    client.post(reverse("activities:record_approve", args=[one.pk]), REMOTE_ADDR="10.9.9.9")
    client.post(reverse("activities:record_return", args=[two.pk]), {"reason": "照片不清"})
    record_services.bulk_approve(type(three).objects.filter(pk=three.pk), world.office_a)
    rows = list(
        AuditEvent.objects.filter(kind__in=["approve", "return"])
        .order_by("id")
        .values_list("kind", "actor_name", "object_type", "object_id", "ip", "detail")
    )
    assert rows == [
        ("approve", "office_a", "activities.activityrecord", str(one.pk), "10.9.9.9", "审核通过"),
        ("return", "office_a", "activities.activityrecord", str(two.pk), "127.0.0.1", "照片不清"),
        ("approve", "office_a", "activities.activityrecord", str(three.pk), None, "批量审核通过"),
    ]


def test_role_changes_exports_and_report_downloads_are_recorded(world, login, done):  # noqa: F811
    role = give_role(world.liaison_a2, world.unit_a1, Role.Kind.LIAISON)
    role.delete()
    client = login(world.office_a)
    client.post(
        reverse("reports:export_request"), {"kind": "ledger", "campaign": world.campaign_a.pk}
    )
    client.get(reverse("campaigns:task_export"))
    client.get(reverse("reports:report_download", args=[done.pk]))
    kinds = list(AuditEvent.objects.order_by("id").values_list("kind", "detail"))
    roles = [detail for kind, detail in kinds if kind == "role_change"]
    assert any(d.startswith("授予角色：联络员") for d in roles)
    assert any(d.startswith("撤销角色：联络员") for d in roles)
    assert [k for k, _ in kinds if k in ("export", "report_download")] == [
        "export",
        "export",
        "report_download",
    ]


def test_rows_cannot_be_changed_or_deleted_through_the_application(world):
    event = record_event(AuditEvent.Kind.LOGIN, actor=world.office_a)
    event.detail = "篡改"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="篡改")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@postgres_only
def test_postgresql_refuses_update_and_delete(world):
    record_event(AuditEvent.Kind.LOGIN, actor=world.office_a)
    before = list(AuditEvent.objects.values_list("id", "detail"))
    table = AuditEvent._meta.db_table
    for sql in (f"UPDATE {table} SET detail = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    assert list(AuditEvent.objects.values_list("id", "detail")) == before


def test_the_chain_verifies_and_shows_tampering(world, capsys):
    for _ in range(3):
        record_event(AuditEvent.Kind.LOGIN, actor=world.office_a)
    call_command("audit_verify")
    assert "哈希链无断点" in capsys.readouterr().out
    middle = AuditEvent.objects.order_by("id")[1]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # someone with the table owner's rights
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE audit_auditevent SET actor_name = 'someone' WHERE id = %s", [middle.pk]
        )
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    with pytest.raises(CommandError, match="审计日志校验失败"):
        call_command("audit_verify")
    assert f"记录 #{middle.pk}：内容与哈希不符" in capsys.readouterr().err


def test_purge_refuses_less_than_180_days_and_keeps_young_rows(db, capsys):
    with pytest.raises(CommandError, match="至少保存 180 天"):
        call_command("audit_purge", days=90)
    with time_machine.travel(dt.datetime(2025, 1, 1, tzinfo=dt.UTC), tick=False):
        old = record_event(AuditEvent.Kind.LOGIN, actor_name="office_a")
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False):
        young = record_event(AuditEvent.Kind.LOGIN, actor_name="office_a")
        call_command("audit_purge")
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [young.pk]
    assert old.pk != young.pk
    call_command("audit_verify")  # the oldest remaining row starts the chain


@postgres_only
def test_the_trigger_itself_refuses_a_purge_mark_younger_than_180_days(world):
    record_event(AuditEvent.Kind.LOGIN, actor=world.office_a)
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('qingfeng.audit_purge_before', now()::text, true)")
            cursor.execute("DELETE FROM audit_auditevent")


def test_only_the_auditor_reads_and_exports_the_log(world, login, auditor):
    record_event(AuditEvent.Kind.LOGIN_FAILED, actor_name="office_a", result="failure")
    record_event(AuditEvent.Kind.LOGIN, actor_name="zhang.san")
    for who in ("office_a", "district_leader", "reviewer", "liaison_a1"):
        client = login(getattr(world, who))
        assert client.get(reverse("audit:list")).status_code == 403
        assert client.get(reverse("audit:export")).status_code == 403
    client = login(auditor)
    page = client.get(reverse("audit:list"), {"result": "failure"})
    assert page.status_code == 200
    assert "登录失败" in page.text and "zhang.san" not in page.text
    response = client.get(reverse("audit:export"), {"actor": "zhang"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and rows[0][3] == "zhang.san"
    assert AuditEvent.objects.filter(kind="export", actor=auditor).exists()


def test_the_auditor_has_no_other_power(world, login, auditor):
    client = login(auditor)
    assert client.get(reverse("activities:review_queue")).status_code in (403, 404)
    assert client.get(reverse("dashboard:township")).status_code == 404
    assert client.get(reverse("accounts:lockouts")).status_code == 403


def test_superuser_is_not_an_auditor(world, login):
    from tests.factories import UserFactory

    admin = UserFactory(username="sysadmin", is_superuser=True, is_staff=True)
    assert login(admin).get(reverse("audit:list")).status_code == 403


def test_audit_list_uses_fixed_queries(world, login, auditor, django_assert_num_queries):
    for _ in range(30):
        record_event(AuditEvent.Kind.LOGIN, actor=world.liaison_a1)
    client = login(auditor)
    client.get(reverse("audit:list"))
    # session, user, roles (scope), nav roles, notifications, count, page rows
    with django_assert_num_queries(7, exact=False) as captured:
        client.get(reverse("audit:list"))
    assert len(captured) <= 8


def test_bad_filters_do_not_fail(world, login, auditor):
    client = login(auditor)
    response = client.get(
        reverse("audit:list"), {"start": "2026-13-01", "ip": "not-an-ip", "kind": "x"}
    )
    assert response.status_code == 200
