"""What the worker did with the daily jobs, and what administrators did about failed jobs.

The queue itself is django-tasks' ``DBTaskResult`` table (``django_tasks_db``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DailyJobRun(models.Model):
    """One daily job for one day: at most one run completes, however often it is queued."""

    name = models.CharField(max_length=100)
    day = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.PositiveIntegerField(null=True, blank=True, help_text="How many things the job did.")

    class Meta:
        ordering = ["-day", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="daily_job_run_once_per_day")]

    def __str__(self) -> str:
        return f"{self.name} for {self.day:%d %B %Y}"


class TaskFollowUp(models.Model):
    """An administrator ran a failed (or stuck) job again, or set it aside: it leaves the list."""

    class Decision(models.TextChoices):
        RERUN = "rerun", "Run again"
        DISMISSED = "dismissed", "Set aside"

    task_result = models.OneToOneField(
        "django_tasks_database.DBTaskResult", on_delete=models.CASCADE, related_name="follow_up"
    )
    decision = models.CharField(max_length=16, choices=Decision.choices)
    rerun_id = models.CharField(max_length=64, blank=True, help_text="The id of the job queued to run it again.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.task_result_id})"
