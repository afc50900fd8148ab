"""Organizations are listed in the tree's order — a parent, then each child's subtree, siblings in
the order they were made — however their ids and codes sort as text (机电 with id 9000 once came
after 机关 with id 10004, because "/…/10004/" sorts before "/…/9000/")."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.management.color import no_style
from django.db import connection
from django.test import Client
from django.urls import reverse

from jifen.orgs.models import Organization, OrganizationKind, path_of
from jifen.orgs.services import organization_create

pytestmark = pytest.mark.django_db


def _ids_from(first: int) -> None:
    """The next organization made gets id ``first``: a root placeholder takes ``first - 1``."""
    Organization.objects.create(
        pk=first - 1,
        code=f"PH{first}",
        name=f"占位{first}",
        kind=OrganizationKind.objects.get(code="committee"),
        path=path_of(None, first - 1),
    )
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Organization]):
            cursor.execute(sql)


@pytest.fixture
def schools(tree: SimpleNamespace) -> SimpleNamespace:
    width = len(str(Organization.objects.order_by("-pk").first().pk))  # type: ignore[union-attr]
    _ids_from(9 * 10**width)
    # Codes that sort the other way as text too: "J9" after "J10".
    jidian = organization_create(
        code="J9", name="机电学院党总支", kind="general_branch", parent=tree.c
    )
    jidian_branch = organization_create(
        code="J9-1", name="机电学院教工党支部", kind="branch", parent=jidian
    )
    _ids_from(10 ** (width + 1) + 4)
    jiguan = organization_create(
        code="J10", name="机关党总支", kind="general_branch", parent=tree.c
    )
    assert str(jiguan.pk) < str(jidian.pk)  # the trap is set: text order is not id order
    assert jiguan.pk > jidian.pk
    return SimpleNamespace(jidian=jidian, jidian_branch=jidian_branch, jiguan=jiguan)


def test_paths_sort_in_the_trees_order(tree: SimpleNamespace, schools: SimpleNamespace) -> None:
    under_c = list(Organization.objects.filter(path__startswith=tree.c.path).order_by("path"))
    assert under_c == [
        tree.c,
        tree.g,
        tree.b1,
        tree.b2,
        tree.b3,
        schools.jidian,
        schools.jidian_branch,
        schools.jiguan,
    ]
    assert schools.jidian_branch.ancestor_ids() == [tree.c.pk, schools.jidian.pk]
    assert schools.jidian_branch.is_within(schools.jidian)
    assert schools.jidian_branch.depth == 2


def _before(html: str, first: str, then: str) -> bool:
    return -1 < html.index(first) < html.index(then)


def test_the_tree_page_and_the_childrens_list_keep_that_order(
    tree: SimpleNamespace, schools: SimpleNamespace, committee_admin: User
) -> None:
    client = Client()
    client.force_login(committee_admin)
    tree_page = client.get(reverse("orgs:tree")).content.decode()
    assert _before(tree_page, "机电学院教工党支部", "机关党总支")
    children = client.get(reverse("orgs:detail", args=[tree.c.pk])).content.decode()
    assert _before(children, "机电学院党总支", "机关党总支")
    assert _before(children, "计算机学院党总支", "机电学院党总支")
