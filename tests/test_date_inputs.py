"""Every date and datetime input of every form in the project's apps renders a value the
browser keeps (issue 11 item 8): `<input type="date">` needs 2025-10-04, not the Chinese
locale's 2025/10/04, which the browser drops (saving the page untouched then erased the date).

The forms are found by walking the apps' modules, so a form added later is checked too. Each is
built with an existing instance (ModelForm) or initial values (Form) whose dates are set."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.utils import timezone, translation

from campaigns.models import Campaign
from organisations.models import Organisation

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2025, 10, 4)
MOMENT = timezone.make_aware(dt.datetime(2025, 10, 4, 9, 30))
BROWSER = {
    "date": r"\d{4}-\d{2}-\d{2}",
    "month": r"\d{4}-\d{2}",
    "datetime-local": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?",
}


def project_forms() -> list[type[forms.BaseForm]]:
    found = {}
    for app in apps.get_app_configs():
        if not Path(app.path).is_relative_to(ROOT) or ".venv" in app.path:
            continue
        for info in pkgutil.walk_packages([app.path], f"{app.name}."):
            if any(part in info.name for part in (".migrations", ".management", ".tests")):
                continue
            module = importlib.import_module(info.name)
            for obj in vars(module).values():
                if (
                    inspect.isclass(obj)
                    and issubclass(obj, forms.BaseForm)
                    and obj.__module__ == module.__name__
                    and not getattr(getattr(obj, "Meta", None), "abstract", False)
                ):
                    found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[name] for name in sorted(found)]


FORMS = project_forms()


def date_fields(form_class) -> list[str]:
    return [
        name
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.DateField | forms.DateTimeField)
    ]


def sample(field) -> dt.date | dt.datetime:
    return MOMENT if isinstance(field, forms.DateTimeField) else DAY


def keyword_arguments(form_class, world) -> dict:
    """What the form's constructor asks for, by parameter name."""
    township = world.township_a
    offered = {
        "campaign": world.campaign_a,
        "campaigns": Campaign.objects.filter(pk=world.campaign_a.pk),
        "townships": Organisation.objects.filter(pk=township.pk),
        "township": township,
        "township_id": township.pk,
        "units": Organisation.objects.filter(parent=township),
        "today": DAY,
    }
    wanted = {}
    for name, parameter in inspect.signature(form_class.__init__).parameters.items():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD) or name == "self":
            continue
        if name in offered:
            wanted[name] = offered[name]
        elif parameter.default is parameter.empty and name not in ("data", "files"):
            raise AssertionError(
                f"{form_class.__name__} needs `{name}`: offer it in keyword_arguments()"
            )
    return wanted


def build(form_class, world) -> forms.BaseForm:
    kwargs = keyword_arguments(form_class, world)
    names = date_fields(form_class)
    if issubclass(form_class, forms.ModelForm):
        model = form_class._meta.model
        instance = model.objects.first() or model()  # an existing row when there is one
        for name in names:
            if hasattr(instance, name):
                setattr(instance, name, sample(form_class.base_fields[name]))
        # a form that takes its instance under another name (`record: ActivityRecord`)
        own = [
            name
            for name, parameter in inspect.signature(form_class.__init__).parameters.items()
            if model.__name__ in str(parameter.annotation)
        ]
        kwargs[own[0] if own else "instance"] = instance
    form = form_class(**kwargs)
    for name in names:  # a plain form's dates come from initial values (an edit page's)
        if not issubclass(form_class, forms.ModelForm) or name not in form.initial:
            form.initial[name] = sample(form.fields[name])
    return form


def rendered_inputs(html: str) -> list[tuple[str, str]]:
    """(type, value) of every <input> in the field's HTML."""
    found = []
    for tag in re.findall(r"<input[^>]*>", html):
        kind = re.search(r'type="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        found.append((kind.group(1) if kind else "text", value.group(1) if value else ""))
    return found


def test_the_walk_finds_the_forms_with_dates():
    names = {f.__name__ for f in FORMS}
    assert {"SiteProfileForm", "NoticeDraftForm", "SpotCheckForm", "RecordForm"} <= names


@pytest.mark.parametrize(
    "form_class", [f for f in FORMS if date_fields(f)], ids=lambda f: f.__qualname__
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_date_input_renders_in_the_browser_format(world, form_class, language):
    with translation.override(language):
        form = build(form_class, world)
        for name in date_fields(form_class):
            if name not in form.fields:
                continue
            field = form.fields[name]
            inputs = rendered_inputs(str(form[name]))
            assert inputs, f"{form_class.__name__}.{name} renders no input"
            for kind, value in inputs:
                assert value, f"{form_class.__name__}.{name}: the saved date is not shown"
                if kind in BROWSER:
                    assert re.fullmatch(BROWSER[kind], value), (
                        f'{form_class.__name__}.{name}: <input type="{kind}" value="{value}"> '
                        "is dropped by the browser; give the widget format="
                    )
                else:  # a text input: what it shows must read back as the same date
                    assert field.clean(value) == sample(field), (form_class.__name__, name, value)
