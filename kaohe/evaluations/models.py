"""Democratic evaluation rounds (民主测评) and public satisfaction surveys (群众评价).

Anonymity is a property of these tables (docs/evaluations.md):

- a :class:`Ballot` and its :class:`Mark` rows hold no voter, no token, no time and no sequential
  id (random UUIDs); neither model keeps simple-history or ``created``/``updated`` stamps;
- the voter's :class:`BallotToken` is marked used in the same transaction that stores the ballot,
  and its :class:`CastReceipt` (unique per token) refuses a second vote at the database;
- at close, ballots and marks are copied in random order into :class:`ClosedBallot` and
  :class:`ClosedMark` under new UUIDs and the originals deleted, so not even the rows' storage
  order follows the order of voting;
- survey answers (:class:`SurveyAnswer`) hold a score and a UUID only.
"""

from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaohe.core.models import TimeStamped, year_field
from kaohe.org.models import CODE_LENGTH, Cadre, Unit

KEY_LENGTH = 64
HASH_LENGTH = 64  # sha256 hex


class Round(TimeStamped):
    """测评轮次: one democratic evaluation of leadership teams or of leaders in a year."""

    class Kind(models.TextChoices):
        TEAM = "team", _("领导班子")
        LEADER = "leader", _("领导干部")

    class State(models.TextChoices):
        DRAFT = "draft", _("准备中")
        OPEN = "open", _("投票中")
        CLOSED = "closed", _("已结束")

    year = year_field()
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("测评对象"), max_length=16, choices=Kind.choices)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.DRAFT)
    items = models.JSONField(_("测评项目"), default=list)  # [[name, weight], ...] from the plan
    levels = models.JSONField(_("评价等次"), default=list)  # [[name, value 0..1], ...]
    groups = models.JSONField(_("测评群体权重"), default=dict)  # {group: weight} from the plan
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened = models.DateTimeField(_("开始投票"), null=True, blank=True)
    closed = models.DateTimeField(_("结束投票"), null=True, blank=True)

    class Meta:
        verbose_name = _("测评轮次")
        verbose_name_plural = _("测评轮次")
        ordering = ("-year", "-id")
        constraints = (
            models.CheckConstraint(
                condition=Q(kind__in=("team", "leader")), name="evaluations_round_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=("draft", "open", "closed")),
                name="evaluations_round_state_valid",
            ),
        )

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class Subject(models.Model):
    """测评对象: a unit's leadership team (team rounds) or a cadre (leader rounds).

    ``code`` and ``name`` are copied, so a round keeps its subjects when the organisation
    changes (the link is then cleared).
    """

    round = models.ForeignKey(
        Round, verbose_name=_("测评轮次"), on_delete=models.CASCADE, related_name="subjects"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.SET_NULL
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), null=True, blank=True, on_delete=models.SET_NULL
    )
    code = models.CharField(_("对象编号"), max_length=CODE_LENGTH)
    name = models.CharField(_("名称"), max_length=200)

    class Meta:
        verbose_name = _("测评对象")
        verbose_name_plural = _("测评对象")
        ordering = ("code",)
        constraints = (
            models.UniqueConstraint(fields=("round", "code"), name="evaluations_subject_key"),
            models.CheckConstraint(
                condition=Q(unit__isnull=True) | Q(cadre__isnull=True),
                name="evaluations_subject_not_both",
            ),
        )

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Rater(models.Model):
    """测评人: a member of a rater group of a round; a cadre, or an outside rater by label.

    Recusal (回避, docs/evaluations.md): a rater does not rate themself (``cadre``), the
    leadership team they belong to (``team_unit``: the unit where they hold a principal or
    leader post) nor the subjects in ``recused`` (relatives and the like, set by the office).
    """

    round = models.ForeignKey(
        Round, verbose_name=_("测评轮次"), on_delete=models.CASCADE, related_name="raters"
    )
    group = models.CharField(_("测评群体"), max_length=32)
    label = models.CharField(_("测评人"), max_length=200)
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), null=True, blank=True, on_delete=models.SET_NULL
    )
    team_unit = models.ForeignKey(
        Unit,
        verbose_name=_("所在领导班子"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recused = models.ManyToManyField(
        Subject, verbose_name=_("另行回避的对象"), blank=True, related_name="recused_raters"
    )

    class Meta:
        verbose_name = _("测评人")
        verbose_name_plural = _("测评人")
        ordering = ("group", "id")
        constraints = (
            models.UniqueConstraint(
                fields=("round", "cadre"),
                condition=Q(cadre__isnull=False),
                name="evaluations_rater_cadre_once",
            ),
        )

    def __str__(self) -> str:
        return self.label


class BallotToken(models.Model):
    """A rater's one-time ballot token: only its SHA-256 is stored; ``used`` once voted."""

    rater = models.OneToOneField(
        Rater, verbose_name=_("测评人"), on_delete=models.CASCADE, related_name="token"
    )
    digest = models.CharField(_("凭证摘要"), max_length=HASH_LENGTH)
    used = models.BooleanField(_("已投票"), default=False)

    class Meta:
        verbose_name = _("投票凭证")
        verbose_name_plural = _("投票凭证")
        constraints = (
            models.UniqueConstraint(fields=("digest",), name="evaluations_ballottoken_digest"),
        )


class CastReceipt(models.Model):
    """The database's guard against a second vote: one receipt per token, written with the
    ballot; it names the token, never the ballot."""

    token = models.OneToOneField(
        BallotToken, verbose_name=_("投票凭证"), on_delete=models.CASCADE, related_name="receipt"
    )

    class Meta:
        verbose_name = _("投票回执")
        verbose_name_plural = _("投票回执")


class Ballot(models.Model):
    """选票 of an open round: its round and rater group only (no voter, no time)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    group = models.CharField(_("测评群体"), max_length=32)

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        default_permissions = ()


class Mark(models.Model):
    """A ballot's level for one subject and item."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="marks")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    item = models.CharField(_("测评项目"), max_length=KEY_LENGTH)
    score = models.FloatField(_("得分"))

    class Meta:
        verbose_name = _("选票评价")
        verbose_name_plural = _("选票评价")
        default_permissions = ()
        constraints = (
            models.UniqueConstraint(
                fields=("ballot", "subject", "item"), name="evaluations_mark_key"
            ),
        )


class ClosedBallot(models.Model):
    """A ballot of a closed round, copied in random order under a new UUID."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    group = models.CharField(_("测评群体"), max_length=32)

    class Meta:
        verbose_name = _("已结束轮次的选票")
        verbose_name_plural = _("已结束轮次的选票")
        default_permissions = ()


class ClosedMark(models.Model):
    """A mark of a closed round's ballot."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(ClosedBallot, on_delete=models.CASCADE, related_name="marks")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    item = models.CharField(_("测评项目"), max_length=KEY_LENGTH)
    score = models.FloatField(_("得分"))

    class Meta:
        verbose_name = _("已结束轮次的选票评价")
        verbose_name_plural = _("已结束轮次的选票评价")
        default_permissions = ()
        constraints = (
            models.UniqueConstraint(
                fields=("ballot", "subject", "item"), name="evaluations_closedmark_key"
            ),
        )


def survey_code() -> str:
    """A survey's public code: 12 random URL-safe characters."""
    return secrets.token_urlsafe(9)


class Survey(TimeStamped):
    """群众满意度调查: a unit's public survey of a year, reached by ``code`` without login."""

    year = year_field()
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE)
    code = models.CharField(_("公开链接编号"), max_length=32, default=survey_code)
    active = models.BooleanField(_("开放中"), default=True)
    fed = models.DateTimeField(_("写入年度测评"), null=True, blank=True)

    class Meta:
        verbose_name = _("群众满意度调查")
        verbose_name_plural = _("群众满意度调查")
        ordering = ("-year", "unit__code")
        constraints = (
            models.UniqueConstraint(fields=("code",), name="evaluations_survey_code"),
            models.UniqueConstraint(fields=("year", "unit"), name="evaluations_survey_key"),
        )

    def __str__(self) -> str:
        return f"{self.year} {self.unit}"


class SurveyNonce(models.Model):
    """A one-time form nonce of one page view (its SHA-256); deleted when used or expired."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=HASH_LENGTH)
    expires = models.DateTimeField()

    class Meta:
        default_permissions = ()
        constraints = (
            models.UniqueConstraint(fields=("digest",), name="evaluations_surveynonce_digest"),
        )
        indexes = (models.Index(fields=("expires",), name="evaluations_surveynonce_exp"),)


class SurveyAnswer(models.Model):
    """One answer: a satisfaction score (0–100, from the plan's levels); no time, no sender."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    score = models.FloatField(_("得分"))

    class Meta:
        verbose_name = _("群众评价")
        verbose_name_plural = _("群众评价")
        default_permissions = ()
