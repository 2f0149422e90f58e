"""Search keys for finding a known person, confirmed links, and batch-dedupe runs for review.

The search-key tables are derived data: ``refresh_search_keys`` rewrites a person's rows from
their record, and ``manage.py rebuild_search_keys`` rebuilds them all. Postcodes and phone
numbers are held only as keyed blind indexes, never in clear.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

from waymark.audit.scoping import ScopedQuerySet, user_scope
from waymark.core.crypto import EncryptedTextField
from waymark.core.models import BaseModel

if TYPE_CHECKING:
    from waymark.accounts.models import User


class NameSource(models.TextChoices):
    CURRENT = "current", "Current name"
    ALIAS = "alias", "Alias or previous name"


class PersonSearchKey(models.Model):
    """One name variant of one person, normalised for blocking and ranking.

    A person has a row per name they are known by (and per nickname group of an ambiguous
    given name such as "Alex"), all carrying the same date of birth.
    """

    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="search_keys")
    source = models.CharField(max_length=16, choices=NameSource.choices, default=NameSource.CURRENT)
    given_norm = models.CharField(max_length=100, blank=True, help_text="Given name, normalised (lower case, ASCII).")
    family_norm = models.CharField(max_length=100, blank=True, help_text="Family name, normalised.")
    given_metaphone = models.CharField(max_length=16, blank=True)
    given_nysiis = models.CharField(max_length=16, blank=True)
    family_metaphone = models.CharField(max_length=16, blank=True)
    family_nysiis = models.CharField(max_length=16, blank=True)
    given_canonical = models.CharField(
        max_length=100, blank=True, help_text="The given name's nickname group (Kate, Katie -> catherine)."
    )
    dob = models.DateField(null=True, blank=True)
    dob_year = models.PositiveSmallIntegerField(null=True, blank=True)
    dob_month = models.PositiveSmallIntegerField(null=True, blank=True)
    dob_day = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["family_metaphone", "given_metaphone"], name="msk_family_given_mp"),
            models.Index(fields=["given_metaphone", "family_metaphone"], name="msk_given_family_mp"),
            models.Index(fields=["family_nysiis", "given_nysiis"], name="msk_family_given_ny"),
            models.Index(fields=["given_canonical", "family_metaphone"], name="msk_canonical_family"),
            models.Index(fields=["dob", "family_metaphone"], name="msk_dob_family"),
            models.Index(fields=["given_metaphone", "dob_year"], name="msk_given_year"),
            models.Index(fields=["family_metaphone", "dob_year"], name="msk_family_year"),
            models.Index(fields=["family_norm", "given_norm"], name="msk_family_given_norm"),
        ]

    def __str__(self) -> str:
        return f"Search key {self.pk} of person {self.person_id}"


class SearchFamilyName(models.Model):
    """One distinct normalised family name found in the search keys: the vocabulary the trigram
    fallback searches (on PostgreSQL, through a GIN ``gin_trgm_ops`` index created by migration
    0003), so that it scans each spelling once rather than every person who has it.

    Rows are only ever added (by ``write_search_keys``); a name nobody has any more is harmless,
    as it joins to no search key.
    """

    name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class SearchGivenName(models.Model):
    """One distinct normalised given name found in the search keys: the trigram fallback finds
    the given names similar to the one typed here (on PostgreSQL, through a GIN ``gin_trgm_ops``
    index created by migration 0006), then reads people through the (family, given) b-tree index
    by exact spellings, instead of computing a similarity for every person with a similar family
    name.

    Rows are only ever added (by ``write_search_keys``), like ``SearchFamilyName``.
    """

    name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class ContactKeyKind(models.TextChoices):
    POSTCODE = "postcode", "Postcode"
    DISTRICT = "district", "Postcode district"
    PHONE = "phone", "Phone number"


class PersonContactKey(models.Model):
    """A blind index of one of a person's postcodes (current or past), districts or phone numbers."""

    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="contact_keys")
    kind = models.CharField(max_length=16, choices=ContactKeyKind.choices)
    key = models.CharField(max_length=100, help_text="The people app's blind index of the normalised value.")

    class Meta:
        indexes = [models.Index(fields=["kind", "key"], name="mck_kind_key")]
        constraints = [models.UniqueConstraint(fields=["person", "kind", "key"], name="mck_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} key of person {self.person_id}"


class PersonLinkQuerySet(ScopedQuerySet["PersonLink"]):
    @user_scope
    def visible_to(self, user: User) -> Any:
        """Links from a person this user may see (``waymark/matching/access.py``)."""
        from waymark.matching.access import person_links_visible_to

        return person_links_visible_to(user, self)


class PersonLink(BaseModel):
    """A confirmed statement that two person records are the same human being.

    Written only by ``person_link_confirm`` after a user explicitly confirms, with a reason.
    Nothing is merged automatically: the link is for casework to follow and for review.
    """

    new_person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="links_as_new")
    existing_person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="links_as_existing")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(help_text="Why the user is satisfied these are the same person (encrypted).")
    score = models.FloatField(null=True, blank=True, help_text="Match score when the link was confirmed.")
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = PersonLinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["new_person", "existing_person"],
                condition=models.Q(archived_at__isnull=True),
                name="person_link_unique_live",
            ),
            models.CheckConstraint(
                condition=~models.Q(new_person=models.F("existing_person")), name="person_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"Link {self.new_person_id} = {self.existing_person_id}"


class DedupeRun(BaseModel):
    """One run of the batch dedupe (Splink, DuckDB backend) across all people."""

    started_by = models.CharField(max_length=200, blank=True, help_text="Who or what started it (a command).")
    trained = models.BooleanField(default=False, help_text="Whether model parameters were estimated in this run.")
    threshold = models.FloatField(help_text="Match probability at or above which pairs are clustered.")
    model_json = models.JSONField(help_text="The Splink model settings with its parameters, for reuse.")
    people_count = models.PositiveIntegerField(default=0)
    pair_count = models.PositiveIntegerField(default=0)
    cluster_count = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0.0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Dedupe run {self.created_at:%Y-%m-%d %H:%M}"


class ClusterStatus(models.TextChoices):
    FOR_REVIEW = "for_review", "For review"
    CONFIRMED = "confirmed", "Confirmed the same person"
    REJECTED = "rejected", "Not the same person"


class DedupeClusterQuerySet(ScopedQuerySet["DedupeCluster"]):
    @user_scope
    def visible_to(self, user: User) -> Any:
        """Clusters for review whose every record this user may see (``waymark/matching/access.py``)."""
        from waymark.matching.access import clusters_visible_to

        return clusters_visible_to(user, self)


class DedupeCluster(BaseModel):
    """A group of person records the batch dedupe thinks are one person, waiting for review."""

    run = models.ForeignKey(DedupeRun, on_delete=models.CASCADE, related_name="clusters")
    people = models.ManyToManyField("people.Person", related_name="dedupe_clusters")
    size = models.PositiveIntegerField()
    max_probability = models.FloatField(help_text="Highest pairwise match probability inside the cluster.")
    status = models.CharField(max_length=16, choices=ClusterStatus.choices, default=ClusterStatus.FOR_REVIEW)

    objects = DedupeClusterQuerySet.as_manager()

    class Meta:
        ordering = ["-max_probability"]

    def __str__(self) -> str:
        return f"Cluster of {self.size} ({self.get_status_display()})"


class SearchAlert(BaseModel):
    """A search pattern that looks like enumeration, for an auditor to review.

    Raised when one user makes many searches that are the same except for one field (a sweep of
    postcode districts, of phone numbers or of dates of birth for one name). It records who,
    which *kind* of field varied and how many values were tried: never the search terms.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="search_alerts")
    varied_field = models.CharField(max_length=32, help_text="The kind of field that varied, e.g. postcode.")
    searches = models.PositiveIntegerField(help_text="Distinct values of that field tried within the window.")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = EncryptedTextField(blank=True, help_text="What the auditor found. Encrypted at rest.")

    FIELD_LABELS = {"date_of_birth": "Date of birth", "postcode": "Postcode", "phone": "Phone number"}

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["reviewed_at", "created_at"])]

    def get_varied_field_label(self) -> str:
        return self.FIELD_LABELS.get(self.varied_field, self.varied_field)


class PersonMergeQuerySet(ScopedQuerySet["PersonMerge"]):
    @user_scope
    def visible_to(self, user: User) -> Any:
        """Merges not undone whose surviving record this user may see (``waymark/matching/access.py``)."""
        from waymark.matching.access import merges_visible_to

        return merges_visible_to(user, self)


class PersonMerge(BaseModel):
    """One merge of two person records into the surviving one, with what it takes to undo it.

    Written only by ``person_merge`` (waymark/matching/merge.py) and reversed only by
    ``person_unmerge``. ``moves`` lists every row that was re-pointed from the absorbed record
    to the survivor ("app_label.model", primary key, field name); ``survivor_before`` holds the
    survivor's own values that the merge changed, so an unmerge restores both records exactly.
    Holds ids and field values of the person records only (the same data as the records
    themselves), never free text from elsewhere. The reasons given are encrypted at rest.
    """

    survivor = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="merges_as_survivor")
    absorbed = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="merges_as_absorbed")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(help_text="Why the user is satisfied these are the same person (encrypted).")
    score = models.FloatField(null=True, blank=True, help_text="Match score when the merge was confirmed.")
    resolutions = models.JSONField(default=dict, help_text="For each conflicting field, whose value was kept.")
    survivor_before = models.JSONField(default=dict, help_text="The survivor's values the merge changed.")
    absorbed_before = models.JSONField(default=dict, help_text="The absorbed record's values the merge changed.")
    moves = models.JSONField(default=list, help_text='Rows re-pointed: [["app.model", "pk", "field"], ...].')
    created_rows = models.JSONField(default=list, help_text='Rows the merge created: [["app.model", "pk"], ...].')
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unmerge_reason = EncryptedTextField(blank=True, help_text="Why they are not the same person (encrypted).")

    objects = PersonMergeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(survivor=models.F("absorbed")), name="person_merge_not_self"),
            models.UniqueConstraint(
                fields=["absorbed"], condition=models.Q(unmerged_at__isnull=True), name="person_merge_absorbed_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Merge of {self.absorbed_id} into {self.survivor_id}"
