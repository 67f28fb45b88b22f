"""
The places' totals (PlaceTotal) and the runs' enrolments per day (EnrollmentDay): the teachers'
tallies added up, so that a count reads a row. Made here from the rows a site already has (none if
its tallies were never made: migration 0013 marked every teacher due, and each batch made adds to
the totals), after giving each run's row its enrolment's day; the two indexes the counts read go.
"""

from django.db import migrations, models


def add_up_the_rows(apps, schema_editor):
    from etwinning_plugin.reports.teacher_tallies import ALL_YEARS, add_up

    tally, fact = (apps.get_model("etwinning_plugin", name)._meta.db_table for name in ("TeacherTally", "EnrollmentFact"))
    with schema_editor.connection.cursor() as cursor:
        # Each run's row for all time gets the day of its teacher's enrolment (by the facts' unique index).
        cursor.execute(f"UPDATE {tally} SET enrolled_on = (SELECT DATE(f.enrolled_at) FROM {fact} f "  # noqa: S608
                       f"WHERE f.course_key = {tally}.place AND f.user_id = {tally}.user_id) "
                       f"WHERE level = 2 AND school_year = %s", [ALL_YEARS])
    add_up(apps.get_model("etwinning_plugin", "PlaceTotal")._meta.db_table,
           apps.get_model("etwinning_plugin", "EnrollmentDay")._meta.db_table, tally)


class Migration(migrations.Migration):

    dependencies = [
        ('etwinning_plugin', '0014_survey_wording'),
    ]

    operations = [
        migrations.CreateModel(
            name='EnrollmentDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('course_key', models.CharField(max_length=255)),
                ('day', models.DateField()),
                ('enrolments', models.BigIntegerField(default=0)),
            ],
        ),
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
        migrations.AddField(
            model_name='teachertally',
            name='enrolled_on',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name='enrollmentday',
            constraint=models.UniqueConstraint(fields=('course_key', 'day'), name='one_enrollment_day'),
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
