"""The classifier learns from the platform's own reports; every process uses the newest version."""
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from backend.cli.intake import intake_group
from backend.extensions import db
from backend.intake import jobs, model_store, service, training
from backend.intake.models import CategoryModel
from backend.reports import service as reports
from backend.triage import service as triage
from backend.reports.models import Report
from tests import factories as f
from tests.intake.conftest import XUHUI

# The city's own word for its overflowing street bins, in no seed text of any category.
LOCAL_WORDS = ["The dustcart skipped Wenhua Street again", "Wenhua Street dustcart never came this week",
               "No dustcart on Wenhua Street since Monday", "文华街的清运车又没来", "文华街清运车三天没来了",
               "dustcart missed us on Wenhua Street"]


def test_the_classifier_retrains_from_triaged_reports_and_its_version_changes(trained, run_jobs, app):
    assert trained.version == 1 and trained.report_examples == 0
    probe = "The dustcart has not come to Wenhua Street"
    before = service.suggest(probe)
    staff = f.staff("coordinator", email="coord@city.example")
    db.session.commit()
    for text in LOCAL_WORDS:
        reports.submit(category="overflowing_bin", lat=XUHUI[0], long=XUHUI[1], description=text)
    db.session.commit()
    run_jobs()   # routed and embedded by the worker
    assert reports.unrouted() == []
    for report_id in db.session.scalars(select(Report.id)):
        triage.acknowledge(staff, report_id)
    db.session.commit()

    # The scheduled job sees new labelled reports, trains version 2, and every process switches to it.
    assert jobs.retrain() == 2
    newest = model_store.latest()
    assert newest.report_examples == len(LOCAL_WORDS) and newest.evaluation["examples_per_category"]["overflowing_bin"] > 6
    after = service.suggest(probe)
    assert after.model_version == 2
    rank = lambda answer: [c.code for c, _p in answer.suggestions].index("overflowing_bin") \
        if "overflowing_bin" in [c.code for c, _p in answer.suggestions] else 9
    assert rank(after) == 0 and rank(after) <= rank(before)
    confidence = lambda answer: dict((c.code, p) for c, p in answer.suggestions).get("overflowing_bin", 0)
    assert confidence(after) > confidence(before)

    # Nothing new: the next scheduled run keeps version 2.
    assert jobs.retrain() is None and model_store.latest_version() == 2


def test_crowdgov_intake_train_makes_a_new_version_and_prints_its_figures(trained, app):
    result = CliRunner().invoke(intake_group, ["train"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert "classifier version 2" in result.output and "held-out figures" in result.output
    again = CliRunner().invoke(intake_group, ["train", "--if-changed"], obj=ScriptInfo(create_app=lambda: app))
    assert "nothing new to learn" in again.output and model_store.latest_version() == 2


def test_a_stored_model_loads_without_pickle_and_answers_like_the_trained_one(trained):
    from backend.intake import embeddings
    from backend.intake.classifier import Classifier

    loaded = Classifier.from_bytes(db.session.scalar(select(CategoryModel.parameters)))
    text = "路灯一闪一闪的"
    fresh = training._fit(*training._vectors(training.labelled.collect()))
    vector = embeddings.embed(text)
    assert loaded.classes == fresh.classes
    assert abs(loaded.probabilities(text, vector) - fresh.probabilities(text, vector)).max() < 1e-3
