"""Who may read, propose and publish articles, and use templates. The same rules in
SQL are `queries.readable`; `tests/test_kb_secrecy.py` checks that they agree.

- A public, published article: everyone, citizens included.
- An internal article of an open group: all staff.
- An internal article of a confidential group: its members, and kundtjänst when the
  group marked it "for kundtjänst" (``for_frontline``). Managers and administrators
  are no exception, as with confidential tickets.
- Drafts and archived articles: the same readers, staff only.
- Any staff member may propose (write a draft, or change a draft). Members of the
  owning group and administrators publish, archive, restore and change a published
  article.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import ArticleState, Visibility

if TYPE_CHECKING:
    from ..auth.models import User
    from .models import AnswerTemplate, Article


def may_read(user: User | None, article: Article) -> bool:
    staff = user is not None and user.is_authenticated
    if not staff:
        return article.state == ArticleState.PUBLISHED and article.visibility == Visibility.PUBLIC
    if not article.group.confidential or article.visibility == Visibility.PUBLIC:
        return True
    if article.group_id in user.group_ids:
        return True
    return article.for_frontline and user.in_frontline


def owns(user: User, article: Article) -> bool:
    """Answers for the article's facts: a member of its group, or an administrator."""
    return user.is_admin or article.group_id in user.group_ids


def may_edit(user: User, article: Article) -> bool:
    if not may_read(user, article):
        return False
    return article.state == ArticleState.DRAFT or owns(user, article)


def may_publish(user: User, article: Article) -> bool:
    return may_read(user, article) and owns(user, article)


def may_use_template(user: User, template: AnswerTemplate) -> bool:
    if template.owner_id is not None:
        return template.owner_id == user.id
    return template.group_id in user.group_ids


def may_edit_template(user: User, template: AnswerTemplate) -> bool:
    return may_use_template(user, template) or (user.is_admin and template.group_id is not None)
