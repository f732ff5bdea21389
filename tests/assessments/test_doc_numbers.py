"""文号 as GB/T 9704-2012 writes it: 机关代字〔年份〕序号号."""

from __future__ import annotations

import pytest

from assessments.forms import PublishForm


@pytest.mark.parametrize(
    "value", ["清纪发〔2026〕4号", "清纪发〔2026〕12号", " 通纪委〔2023〕96号 "]
)
def test_well_formed_numbers_pass(value):
    form = PublishForm({"doc_number": value})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["doc_number"] == value.strip()


@pytest.mark.parametrize(
    "value,message",
    [
        ("清纪发[2026]4号", "六角括号〔〕"),
        ("清纪发［2026］4号", "六角括号〔〕"),
        ("清纪发（2026）4号", "六角括号〔〕"),
        ("清纪发〔26〕4号", "年份须写全四位"),
        ("清纪发〔2026〕04号", "不编虚位"),
        ("清纪发〔2026〕第4号", "不编虚位"),
        ("清纪发2026年4号", "机关代字〔年份〕序号号"),
        ("〔2026〕4号", "机关代字〔年份〕序号号"),
    ],
)
def test_malformed_numbers_are_refused_in_chinese(value, message):
    form = PublishForm({"doc_number": value})
    assert not form.is_valid()
    assert message in form.errors["doc_number"][0]
