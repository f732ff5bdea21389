"""Forms for the campaign plan: clean_* returns domain values, messages are Chinese, at the field."""

from __future__ import annotations

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from activities.types import ActivityType
from campaigns.models import (
    Campaign,
    CampaignDocument,
    CampaignDomain,
    CreatingUnit,
    LeadershipMember,
    Milestone,
    Phase,
    Task,
)
from organisations.models import Domain, Organisation

NOT_OUR_UNIT = _("所选单位不属于本镇。")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def township_units(township_id: int):
    return Organisation.objects.units().filter(township_id=township_id, is_active=True)


def _unit_field(field, township_id: int) -> None:
    field.queryset = township_units(township_id)
    field.error_messages["invalid_choice"] = NOT_OUR_UNIT
    if "invalid_pk_value" in field.error_messages:
        field.error_messages["invalid_pk_value"] = NOT_OUR_UNIT


class CampaignForm(forms.ModelForm):
    domains = forms.ModelMultipleChoiceField(
        label=_("创建领域"),
        queryset=Domain.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("默认为“八进”，可任选，也可在下方新增领域。"),
    )
    new_domain = forms.CharField(
        label=_("新增领域"), max_length=40, required=False, help_text=_("如：进网络")
    )

    class Meta:
        model = Campaign
        fields = [
            "township",
            "year",
            "name",
            "start_date",
            "end_date",
            "monthly_report_day",
            "guiding_ideology",
            "overall_goal",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, townships=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["township"]
            self.fields["domains"].initial = list(
                self.instance.campaign_domains.values_list("domain_id", flat=True)
            )
        else:
            self.fields["township"].queryset = townships
            self.fields["township"].empty_label = None
            self.fields["domains"].initial = list(
                Domain.objects.filter(is_default=True).values_list("pk", flat=True)
            )

    def clean_monthly_report_day(self):
        day = self.cleaned_data["monthly_report_day"]
        if not 1 <= day <= 28:
            raise forms.ValidationError(_("月报报送日须在1至28日之间。"))
        return day

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于开始日期。"))
        township = data.get("township") or getattr(self.instance, "township", None)
        year = data.get("year")
        if township and year:
            clash = Campaign.objects.filter(township=township, year=year).exclude(
                pk=self.instance.pk
            )
            if clash.exists():
                self.add_error("year", _("本镇该年度的创建工作已存在。"))
        if self.instance.pk and start and end and not self.errors:
            outside = self.instance.milestones.exclude(due_date__range=(start, end))
            if outside.exists():
                self.add_error(
                    "end_date",
                    _("时间节点“%(title)s”将落在活动期间之外，请先调整时间节点。")
                    % {"title": outside.first().title},
                )
        if not data.get("domains") and not data.get("new_domain"):
            self.add_error("domains", _("请至少选择一个创建领域。"))
        return data


class CopyForm(forms.Form):
    year = forms.IntegerField(
        label=_("新年度"),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )


# --- sections of the plan (inline formsets) ----------------------------------------------


class DocumentForm(forms.ModelForm):
    class Meta:
        model = CampaignDocument
        fields = ["doc_number", "title", "issuer", "file"]


class LeadershipForm(forms.ModelForm):
    class Meta:
        model = LeadershipMember
        fields = ["name", "job_title", "position", "order"]


class ResponsibilityForm(forms.ModelForm):
    class Meta:
        model = CampaignDomain
        fields = ["lead_unit", "co_units"]
        widgets = {"co_units": forms.CheckboxSelectMultiple}

    def __init__(self, *args, township_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        _unit_field(self.fields["lead_unit"], township_id)
        _unit_field(self.fields["co_units"], township_id)

    def clean(self):
        data = super().clean()
        lead, co = data.get("lead_unit"), data.get("co_units") or []
        if lead and lead in co:
            self.add_error("co_units", _("牵头单位不必再列为协办单位。"))
        return data


class CreatingUnitForm(forms.ModelForm):
    class Meta:
        model = CreatingUnit
        fields = ["unit", "domain"]

    def __init__(self, *args, township_id=None, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        _unit_field(self.fields["unit"], township_id)
        self.fields["domain"].queryset = Domain.objects.filter(campaigns=campaign)
        self.fields["domain"].error_messages["invalid_choice"] = _("本活动不含该领域。")


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["kind", "name", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于开始日期。"))
        return data


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["kind", "title", "notice_date", "due_workdays", "due_date", "description"]
        widgets = {
            "due_date": DateInput(),
            "notice_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_date"].required = False
        self.fields["due_date"].help_text = _("按工作日计算期限时可不填，保存时自动推算。")

    def clean(self):
        data = super().clean()
        notice, workdays, due = (
            data.get("notice_date"),
            data.get("due_workdays"),
            data.get("due_date"),
        )
        if workdays is not None and workdays <= 0:
            self.add_error("due_workdays", _("工作日期限须大于0。"))
        elif workdays and not notice:
            self.add_error("notice_date", _("按工作日计算期限，须填写收到通知日期。"))
        elif workdays and notice:
            from workdays.days import add_workdays

            data["due_date"] = add_workdays(notice, workdays)
        elif not due and not data.get("DELETE"):
            self.add_error("due_date", _("请填写截止日期，或按工作日填写期限。"))
        return data


class CampaignFormSet(BaseInlineFormSet):
    """Inline formset whose forms know the campaign's township (for unit choices)."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        # the factory subclasses the form, hence issubclass
        if issubclass(self.form, (ResponsibilityForm, CreatingUnitForm)):
            kwargs["township_id"] = self.instance.township_id
        if issubclass(self.form, CreatingUnitForm):
            kwargs["campaign"] = self.instance
        return kwargs

    def live_forms(self):
        return [
            f
            for f in self.forms
            if f.has_changed() or f.instance.pk
            if not (self.can_delete and self._should_delete_form(f))
        ]


class PhaseFormSet(CampaignFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        campaign = self.instance
        forms_ = sorted(
            (f for f in self.live_forms() if f.cleaned_data.get("start_date")),
            key=lambda f: f.cleaned_data["start_date"],
        )
        for form in forms_:
            start, end = form.cleaned_data["start_date"], form.cleaned_data["end_date"]
            if start < campaign.start_date or end > campaign.end_date:
                form.add_error(
                    "start_date" if start < campaign.start_date else "end_date",
                    _("阶段须在活动期间（%(start)s 至 %(end)s）之内。")
                    % {"start": campaign.start_date, "end": campaign.end_date},
                )
        for before, after in zip(forms_, forms_[1:], strict=False):
            if after.cleaned_data["start_date"] <= before.cleaned_data["end_date"]:
                after.add_error(
                    "start_date",
                    _("与阶段“%(name)s”时间重叠。") % {"name": before.cleaned_data["name"]},
                )


class MilestoneFormSet(CampaignFormSet):
    def clean(self):
        super().clean()
        campaign = self.instance
        for form in self.live_forms():
            due = form.cleaned_data.get("due_date")
            if due and not campaign.start_date <= due <= campaign.end_date:
                form.add_error(
                    "due_date",
                    _("时间节点须在活动期间（%(start)s 至 %(end)s）之内。")
                    % {"start": campaign.start_date, "end": campaign.end_date},
                )


def _formset(model, form, formset=CampaignFormSet, extra=1, can_delete=True):
    return inlineformset_factory(
        Campaign, model, form=form, formset=formset, extra=extra, can_delete=can_delete
    )


SECTIONS = {
    "documents": (_("贯彻文件"), _formset(CampaignDocument, DocumentForm)),
    "leadership": (_("领导小组"), _formset(LeadershipMember, LeadershipForm, extra=2)),
    "responsibility": (
        _("牵头与协办单位"),
        _formset(CampaignDomain, ResponsibilityForm, extra=0, can_delete=False),
    ),
    "creating": (_("创建单位"), _formset(CreatingUnit, CreatingUnitForm, extra=2)),
}
PhaseFormSetFactory = _formset(Phase, PhaseForm, formset=PhaseFormSet, extra=1)
MilestoneFormSetFactory = _formset(Milestone, MilestoneForm, formset=MilestoneFormSet, extra=1)


# --- tasks -------------------------------------------------------------------------------


class TaskForm(forms.ModelForm):
    activity_types = forms.MultipleChoiceField(
        label=_("计入的活动类型"),
        choices=ActivityType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("不选则任何类型的活动都计入。"),
    )
    target_count = forms.IntegerField(
        label=_("目标数"), help_text=_("每个期间须达到的数量；按比例计量时填百分数，如100。")
    )

    class Meta:
        model = Task
        fields = [
            "domain",
            "title",
            "description",
            "lead_unit",
            "co_units",
            "measure",
            "target_count",
            "target_unit",
            "target_base",
            "recurrence",
            "start_date",
            "due_workdays",
            "due_date",
            "roll_to_workday",
            "is_urgent",
            "activity_types",
        ]
        widgets = {
            "start_date": DateInput(),
            "due_date": DateInput(),
            "co_units": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["domain"].queryset = Domain.objects.filter(campaigns=campaign)
        self.fields["domain"].error_messages["invalid_choice"] = _("本活动不含该领域。")
        _unit_field(self.fields["lead_unit"], campaign.township_id)
        _unit_field(self.fields["co_units"], campaign.township_id)
        if not self.instance.pk:
            self.fields["start_date"].initial = campaign.start_date
            self.fields["due_date"].initial = campaign.end_date
        # counted in working days, the due date is worked out: it may be left empty
        self.fields["due_date"].required = False
        self.fields["due_date"].help_text = _("按工作日计算期限时可不填，保存时自动推算。")
        self.fields["start_date"].help_text = _("按工作日计算期限时，即收到通知的日期。")

    def clean_target_count(self):
        value = self.cleaned_data["target_count"]
        if value <= 0:
            raise forms.ValidationError(_("目标数须大于0。"))
        return value

    def clean(self):
        data = super().clean()
        return clean_task_data(self, data, self.campaign, self.instance.pk)


def clean_task_data(form, data: dict, campaign: Campaign, task_pk=None) -> dict:
    """Rules shared by the form and the Excel import (errors land on `form` fields)."""
    start, due = data.get("start_date"), data.get("due_date")
    workdays = data.get("due_workdays")
    if workdays is not None and workdays <= 0:
        form.add_error("due_workdays", _("工作日期限须大于0。"))
    elif workdays and start:
        from workdays.days import add_workdays

        due = data["due_date"] = add_workdays(start, workdays)
    elif not due and "due_date" in form.fields:
        form.add_error("due_date", _("请填写截止日期，或按工作日填写期限。"))
    if start and due and due < start:
        form.add_error("due_date", _("截止日期不能早于开始日期。"))
    if data.get("measure") == Task.Measure.PERCENT and not data.get("target_base"):
        form.add_error("target_base", _("按比例计量时须填写覆盖基数（如干部家庭总户数）。"))
    if data.get("target_base") is not None and data["target_base"] <= 0:
        form.add_error("target_base", _("覆盖基数须大于0。"))
    lead, co = data.get("lead_unit"), data.get("co_units") or []
    if lead and lead in co:
        form.add_error("co_units", _("牵头单位不必再列为协办单位。"))
    domain, title = data.get("domain"), data.get("title")
    if domain and title:
        clash = Task.objects.filter(campaign=campaign, domain=domain, title=title).exclude(
            pk=task_pk
        )
        if clash.exists():
            form.add_error("title", _("本领域已有同名任务。"))
    return data


class TaskImportForm(forms.Form):
    file = forms.FileField(label=_("Excel文件（.xlsx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的Excel文件。"))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过5MB。"))
        return upload


class UnitPlanForm(forms.Form):
    """A unit's creation plan: the file is checked by its content (activities.evidence)."""

    unit = forms.ModelChoiceField(Organisation.objects.none(), label=_("单位"))
    file = forms.FileField(label=_("创建方案（PDF 或 DOCX）"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.queryset = units if units is not None else Organisation.objects.none()
        field.error_messages["invalid_choice"] = _("所选单位无须报送或不由您报送创建方案。")
        if units is not None and len(units) == 1:
            field.initial = units[0].pk

    def clean_file(self):
        from activities.evidence import EvidenceError, inspect_upload

        upload = self.cleaned_data["file"]
        try:
            prepared = inspect_upload(upload)
        except EvidenceError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if prepared.kind != "document" or prepared.extension not in (".pdf", ".docx"):
            raise forms.ValidationError(_("创建方案须为 PDF 或 DOCX 文件。"))
        return prepared


class UnitPlanReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核意见"), choices=[("approve", _("批准")), ("return", _("退回"))]
    )
    reason = forms.CharField(
        label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not data.get("reason", "").strip():
            self.add_error("reason", _("退回须写明原因。"))
        return data
