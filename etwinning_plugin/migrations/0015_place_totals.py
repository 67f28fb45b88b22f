"""
The places' totals (PlaceTotal): the teachers' tallies added up, so that a count reads a row. Made
here from the rows a site already has (none before its tallies were first made: migration 0013 marked
every teacher due, and each batch made adds to the totals); the two indexes the counts read go.
"""

from django.db import migrations, models


def add_up_the_rows(apps, schema_editor):
    from etwinning_plugin.reports.teacher_tallies import add_up

    add_up(apps.get_model("etwinning_plugin", "PlaceTotal")._meta.db_table,
           apps.get_model("etwinning_plugin", "TeacherTally")._meta.db_table)


class Migration(migrations.Migration):

    dependencies = [
        ('etwinning_plugin', '0014_survey_wording'),
    ]

    operations = [
        migrations.CreateModel(
            name='PlaceTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.PositiveSmallIntegerField(choices=[(0, 'site'), (1, 'course'), (2, 'run')])),
                ('place', models.CharField(blank=True, max_length=255)),
                ('school_year', models.CharField(blank=True, max_length=7)),
                ('ever_enrolled', models.BigIntegerField(default=0)),
                ('enrolled', models.BigIntegerField(default=0)),
                ('active', models.BigIntegerField(default=0)),
                ('completed', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RemoveIndex(
            model_name='teachertally',
            name='tallies_of_scope',
        ),
        migrations.RemoveIndex(
            model_name='teachertally',
            name='tallies_of_runs',
        ),
        migrations.AddIndex(
            model_name='placetotal',
            index=models.Index(fields=['level', 'school_year', 'place'], name='totals_of_runs'),
        ),
        migrations.AddConstraint(
            model_name='placetotal',
            constraint=models.UniqueConstraint(fields=('place', 'school_year'), name='one_total'),
        ),
        migrations.RunPython(add_up_the_rows, migrations.RunPython.noop),
    ]
