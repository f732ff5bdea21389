from django.db import migrations

EIGHT_INTO = [
    ("organs", "进机关"),
    ("communities", "进社区"),
    ("schools", "进学校"),
    ("hospitals", "进医院"),
    ("villages", "进农村"),
    ("enterprises", "进企业"),
    ("social_orgs", "进社会组织"),
    ("families", "进家庭"),
]


def create_domains(apps, schema_editor):
    Domain = apps.get_model("organisations", "Domain")
    for order, (code, name) in enumerate(EIGHT_INTO, start=1):
        Domain.objects.update_or_create(code=code, defaults={"name": name, "order": order, "is_default": True})


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(create_domains, migrations.RunPython.noop)]
