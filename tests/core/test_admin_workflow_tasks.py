"""Saving a workflow's tasks in Wagtail's workflow editor, signed in as an administrator (the
only one who may): what its screen sends is saved, a form that would leave a task in the
workflow twice is shown again with its error, nothing stored (kabar/core/admin_corrections.py).
Tasks swapped or passed on between rows, and each form shown again, answered 500
(IntegrityError) before; a task removed and added again, and reordering, worked already."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask
from wagtail.test.utils.form_data import inline_formset, nested_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def workflow():
    """The newsroom's workflow with two tasks, and a third task it does not hold."""
    workflow = Workflow.objects.get(name="Tinjauan redaksi")
    for name in ("Tinjauan hukum", "Tinjauan bahasa"):
        task = GroupApprovalTask.objects.create(name=name)
        task.groups.set(Group.objects.filter(name="Editor"))
    WorkflowTask.objects.create(
        workflow=workflow, task=GroupApprovalTask.objects.get(name="Tinjauan hukum"), sort_order=1
    )
    return workflow


def _task(name):
    return str(GroupApprovalTask.objects.get(name=name).pk)


def _row(name, row=None, order=0, delete=""):
    """A task row as the editor's InlinePanel posts it (`row`: the task row it edits)."""
    return {
        "id": str(row.pk) if row else "",
        "task": _task(name),
        "ORDER": str(order),
        "DELETE": delete,
    }


def _rows(workflow):
    return list(workflow.workflow_tasks.order_by("sort_order"))


def _tasks(workflow):
    return [row.task.name for row in _rows(workflow)]


def _save(client, workflow, rows, initial):
    pages = [{"page": str(page.page_id)} for page in workflow.workflow_pages.all()]
    form = nested_form_data(
        {
            "name": workflow.name,
            "workflow_tasks": inline_formset(rows, initial=initial),
            "pages": inline_formset(pages, initial=len(pages)),
        }
    )
    return client.post(f"/admin/workflows/edit/{workflow.pk}/", form)


def test_two_tasks_swapped_in_their_choosers_are_saved(root, workflow):
    editor, legal = _rows(workflow)

    response = _save(
        root,
        workflow,
        [_row("Tinjauan hukum", editor, 1), _row("Tinjauan editor", legal, 2)],
        initial=2,
    )

    assert response.status_code == 302
    assert _tasks(workflow) == ["Tinjauan hukum", "Tinjauan editor"]
    assert {row.pk for row in _rows(workflow)} == {editor.pk, legal.pk}


def test_a_task_given_the_next_rows_task_while_that_row_takes_another_is_saved(root, workflow):
    editor, legal = _rows(workflow)

    response = _save(
        root,
        workflow,
        [_row("Tinjauan hukum", editor, 1), _row("Tinjauan bahasa", legal, 2)],
        initial=2,
    )

    assert response.status_code == 302
    assert _tasks(workflow) == ["Tinjauan hukum", "Tinjauan bahasa"]


def test_a_new_first_task_given_the_task_a_row_gives_up_is_saved(root, workflow):
    editor, legal = _rows(workflow)

    response = _save(
        root,
        workflow,
        [
            _row("Tinjauan bahasa", editor, 2),
            _row("Tinjauan hukum", legal, 3),
            _row("Tinjauan editor", None, 1),
        ],
        initial=2,
    )

    assert response.status_code == 302
    assert _tasks(workflow) == ["Tinjauan editor", "Tinjauan bahasa", "Tinjauan hukum"]


def test_a_task_removed_and_added_again_in_one_save_is_saved(root, workflow):
    editor, legal = _rows(workflow)

    response = _save(
        root,
        workflow,
        [
            _row("Tinjauan editor", editor, 1, delete="1"),
            _row("Tinjauan hukum", legal, 2),
            _row("Tinjauan editor", None, 3),
        ],
        initial=2,
    )

    assert response.status_code == 302
    # Both rows share a sort_order here: Wagtail saves no unchanged row's new place.
    assert sorted(_tasks(workflow)) == ["Tinjauan editor", "Tinjauan hukum"]
    assert editor.pk not in {row.pk for row in _rows(workflow)}


def test_tasks_reordered_are_saved(root, workflow):
    editor, legal = _rows(workflow)

    response = _save(
        root,
        workflow,
        [_row("Tinjauan editor", editor, 2), _row("Tinjauan hukum", legal, 1)],
        initial=2,
    )

    assert response.status_code == 302
    assert _tasks(workflow) == ["Tinjauan hukum", "Tinjauan editor"]


def _shown_again_saying_twice(response, workflow, task):
    message = (
        f"The task “{task}” would be in this workflow twice: its tasks have changed since this "
        "page was opened. Open the workflow again to see them."
    )
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"] == [message]
    assert message in response.content.decode()
    assert _tasks(workflow) == ["Tinjauan editor", "Tinjauan hukum"]


def test_a_task_added_from_a_page_opened_before_another_added_it_shows_the_form_again(
    root, workflow
):
    """The form lists the rows the page was opened with; Wagtail keeps any other."""
    editor, _legal = _rows(workflow)

    response = _save(
        root,
        workflow,
        [_row("Tinjauan editor", editor, 1), _row("Tinjauan hukum", None, 2)],
        initial=1,
    )

    _shown_again_saying_twice(response, workflow, "Tinjauan hukum")


def test_a_form_listing_no_task_rows_as_initial_shows_the_form_again(root, workflow):
    editor, legal = _rows(workflow)

    response = _save(
        root,
        workflow,
        [_row("Tinjauan editor", editor, 1), _row("Tinjauan hukum", legal, 2)],
        initial=0,
    )

    _shown_again_saying_twice(response, workflow, "Tinjauan editor")


def test_a_task_row_whose_id_is_blanked_shows_the_form_again(root, workflow):
    _editor, legal = _rows(workflow)

    response = _save(
        root,
        workflow,
        [_row("Tinjauan editor", None, 1), _row("Tinjauan hukum", legal, 2)],
        initial=2,
    )

    _shown_again_saying_twice(response, workflow, "Tinjauan editor")


def test_a_task_row_of_another_workflow_shows_the_form_again(root, workflow):
    other = Workflow.objects.create(name="Lain")
    foreign = WorkflowTask.objects.create(
        workflow=other, task=GroupApprovalTask.objects.get(name="Tinjauan hukum")
    )
    editor, _legal = _rows(workflow)

    response = _save(
        root,
        workflow,
        [_row("Tinjauan editor", editor, 1), _row("Tinjauan hukum", foreign, 2)],
        initial=2,
    )

    _shown_again_saying_twice(response, workflow, "Tinjauan hukum")
    assert list(other.workflow_tasks.all()) == [foreign]


def test_the_editor_may_not_edit_a_workflow(editor, workflow):
    editor_row, legal = _rows(workflow)

    response = _save(
        editor,
        workflow,
        [_row("Tinjauan hukum", editor_row, 1), _row("Tinjauan editor", legal, 2)],
        initial=2,
    )

    assert response.status_code == 302
    assert response.url == "/admin/"
    assert _tasks(workflow) == ["Tinjauan editor", "Tinjauan hukum"]
