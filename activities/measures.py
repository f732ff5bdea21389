"""What each activity type counts, per township: "刷写标语30条", never "开展标语1次".

* `measures_for(township_id)` → {type: Measure} (1 query): the office's wording where it set
  one, the built-in `DEFAULT_MEASURES` otherwise;
* `Measure.phrase(amount)` → "组织观看电教片12场" (amount already formatted, e.g. "3600余");
* `save_measures(township, rows, by)` — the office rewords types (history kept by the model).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from activities.models import ActivityMeasure
from activities.types import DEFAULT_MEASURES, ActivityType

TYPE_LABELS = dict(ActivityType.choices)


@dataclass(frozen=True)
class Measure:
    type: str
    label: str
    verb: str
    noun: str
    unit: str
    customised: bool = False

    def phrase(self, amount) -> str:
        return f"{self.verb}{self.noun}{amount}{self.unit}"


def default(kind: str) -> Measure:
    d = DEFAULT_MEASURES.get(kind) or DEFAULT_MEASURES[ActivityType.OTHER]
    return Measure(kind, str(TYPE_LABELS.get(kind, kind)), d.verb, d.noun, d.unit)


def measures_for(township_id: int | None) -> dict[str, Measure]:
    result = {kind: default(kind) for kind in ActivityType.values}
    if township_id is None:
        return result
    for row in ActivityMeasure.objects.filter(township_id=township_id):
        result[row.type] = Measure(
            row.type, result[row.type].label, row.verb, row.noun, row.unit, customised=True
        )
    return result


def units_for(township_id: int | None) -> dict[str, str]:
    """{type: measure word}, for the filing form."""
    return {kind: m.unit for kind, m in measures_for(township_id).items()}


@transaction.atomic
def save_measures(township, rows: dict[str, tuple[str, str, str]], by) -> int:
    """Store the office's wording ({type: (verb, noun, unit)}); a row equal to the built-in one
    is kept as a row only if it existed (so history shows a reset). Returns rows changed."""
    current = {
        m.type: m for m in ActivityMeasure.objects.select_for_update().filter(township=township)
    }
    changed = 0
    for kind, (verb, noun, unit) in rows.items():
        row = current.get(kind)
        if row is None:
            d = default(kind)
            if (verb, noun, unit) == (d.verb, d.noun, d.unit):
                continue
            row = ActivityMeasure(township=township, type=kind)
        elif (row.verb, row.noun, row.unit) == (verb, noun, unit):
            continue
        row.verb, row.noun, row.unit, row.updated_by = verb, noun, unit, by
        row._change_reason = "修改计量"
        row.save()
        changed += 1
    return changed
