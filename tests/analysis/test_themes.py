"""Theme assignment, learning from HR codings, emerging themes, sentiment and the pipeline API."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.sentiment import VaderSentiment
from analysis.themes import (
    ASSIGNMENT_COLUMNS,
    CodesError,
    EmergingThemeFinder,
    SeedMatcher,
    ThemePipeline,
    carry_over_ids,
    codes_from_assignments,
    map_emerging_themes,
)


def themes_of(frame: pd.DataFrame, comment_id: str) -> list[str]:
    return frame.loc[frame["comment_id"] == comment_id, "theme_id"].tolist()


# -- zero-shot (seeds only) ---------------------------------------------------------------
def test_seeds_alone_give_each_comment_the_themes_it_talks_about(taxonomy, themed):
    texts = {cid: text for cid, (text, _) in themed.items()}
    assignments = ThemePipeline(taxonomy).run(list(texts.values()), ids=list(texts)).assignments
    for cid, (_, expected) in themed.items():
        found = {t for t in themes_of(assignments, cid) if not t.startswith("emerging:")}
        assert found == expected, cid


def test_an_assignment_says_why_which_source_and_which_model(taxonomy):
    run = ThemePipeline(taxonomy).run(["The market supplement was withdrawn."], ids=["x"])
    row = run.assignments.iloc[0]
    assert list(run.assignments.columns) == ASSIGNMENT_COLUMNS
    assert (row.theme_id, row.source, row.terms) == ("pay", "seed", "market supplement")
    assert 0.5 <= row.score <= 1
    assert row.model_version == run.model_version and "seeds" in run.model_version


def test_a_negated_mention_still_names_the_theme(taxonomy, preparer):
    scores = SeedMatcher(taxonomy, preparer).transform(preparer.transform(["I never had supervision."]))
    assert scores.assigned[0, taxonomy.ids.index("supervision")]


def test_a_comment_about_nothing_in_the_taxonomy_gets_no_theme(taxonomy):
    run = ThemePipeline(taxonomy).run(["The weather was lovely."], ids=["w"])
    assert run.assignments.empty
    assert run.comments.loc[0, "theme_ids"] == []


def test_signs_of_safety_is_practice_not_wellbeing(taxonomy):
    run = ThemePipeline(taxonomy).run(["Signs of Safety was never embedded."], ids=["s"])
    assert themes_of(run.assignments, "s") == ["practice"]


def test_themes_are_listed_in_score_order(taxonomy):
    run = ThemePipeline(taxonomy).run(["Caseload and workload unmanageable; pay poor."], ids=["a"])
    scores = run.comments.loc[0, "scores"]
    assert run.comments.loc[0, "theme_ids"][0] == "caseload" and scores == sorted(scores, reverse=True)


# -- learning from HR codings ------------------------------------------------------------
def coded_comments():
    """Comments on a topic the seeds do not know (the canteen), which HR codes as environment."""
    texts, codes = {}, {}
    for i in range(24):  # enough codes per theme for the model to be allowed to add
        texts[f"k{i}"] = f"The canteen was awful, {['cold', 'closed', 'dirty', 'tiny'][i % 4]} food every day"
        codes[f"k{i}"] = ["environment"]
        texts[f"p{i}"] = f"My caseload was far too high, {i + 20} families"
        codes[f"p{i}"] = ["caseload"]
        texts[f"n{i}"] = f"Nothing to add really, thanks {['all', 'team', 'everyone', 'folks'][i % 4]}"
        codes[f"n{i}"] = []
    return texts, codes


def test_hr_codings_train_a_model_that_decides_the_themes_it_learnt(taxonomy):
    texts, codes = coded_comments()
    pipeline = ThemePipeline(taxonomy, seed=0).fit(list(texts.values()), ids=list(texts), codes=codes)
    assert "model." in pipeline.model_version_
    new = pipeline.assign(["The canteen food was cold again"], ids=["new"])
    row = new[new["theme_id"] == "environment"].iloc[0]
    assert row.source == "model" and "canteen" in row.terms
    # Themes without enough codings stay with the seeds.
    other = pipeline.assign(["I am retiring"], ids=["r"])
    assert ["retirement", "seed"] in other[["theme_id", "source"]].values.tolist()


def test_hr_codings_outrank_the_model_for_the_comments_they_cover(taxonomy):
    texts, codes = coded_comments()
    texts["x"] = "My caseload was far too high"
    codes["x"] = ["wellbeing"]
    run = ThemePipeline(taxonomy).run(list(texts.values()), ids=list(texts), codes=codes)
    rows = run.assignments[run.assignments["comment_id"] == "x"]
    assert rows[["theme_id", "source", "score"]].values.tolist() == [["wellbeing", "hr", 1.0]]


def test_codings_with_unknown_theme_ids_are_rejected_naming_the_row(taxonomy):
    codes = pd.DataFrame({"id": ["a", "b"], "theme_ids": ["pay", "pay;wages"]})
    with pytest.raises(CodesError, match="row 3, column theme_ids: unknown theme id"):
        ThemePipeline(taxonomy).fit(["x", "y"], ids=["a", "b"], codes=codes)


def test_codes_come_from_the_app_theme_assignments_frame():
    frame = pd.DataFrame(
        {
            "comment_id": ["a", "a", "b", "c", "c"],
            "theme_id": ["pay", "caseload", "pay", "team", "emerging:2"],
            "source": ["hr", "rejected", "seed", "hr", "hr"],
            "score": 1.0,
            "model_version": "v",
        }
    )
    assert codes_from_assignments(frame) == {"a": ["pay"], "c": ["team"]}


# -- determinism, save and load ------------------------------------------------------------
def test_runs_are_deterministic_with_a_seed(taxonomy, unthemed, themed):
    texts = unthemed + [t for t, _ in themed.values()]
    first = ThemePipeline(taxonomy, seed=3).run(texts)
    second = ThemePipeline(taxonomy, seed=3).run(texts)
    pd.testing.assert_frame_equal(first.assignments, second.assignments)
    pd.testing.assert_frame_equal(first.emerging.themes, second.emerging.themes)


def test_a_saved_pipeline_assigns_exactly_as_before(taxonomy, tmp_path, unthemed):
    texts, codes = coded_comments()
    pipeline = ThemePipeline(taxonomy).fit(list(texts.values()) + unthemed, codes=None)
    pipeline.fit(list(texts.values()), ids=list(texts), codes=codes)
    new = ["canteen food cold", "pool car broken again", "caseload too high", "no supervision"]
    before = pipeline.assign(new)
    loaded = ThemePipeline.load(pipeline.save(tmp_path / "model" / "themes.joblib"))
    pd.testing.assert_frame_equal(loaded.assign(new), before)
    assert loaded.model_version_ == pipeline.model_version_


def test_loading_something_else_fails_clearly(tmp_path):
    import joblib

    joblib.dump({"not": "a pipeline"}, tmp_path / "x.joblib")
    with pytest.raises(ValueError, match="not a saved theme pipeline"):
        ThemePipeline.load(tmp_path / "x.joblib")


# -- emerging themes -------------------------------------------------------------------------
def test_unexplained_comments_form_emerging_themes_with_labels_and_examples(taxonomy, unthemed):
    run = ThemePipeline(taxonomy).run(unthemed)
    themes = run.emerging.themes
    assert themes["theme_id"].tolist() == ["emerging:1", "emerging:2", "emerging:3"]
    labels = " ".join(themes["label"])
    for word in ("canteen", "dog", "pool"):
        assert word in labels
    assert all(len(examples) == 3 for examples in themes["examples"])
    # Comments that join a cluster join the one of their topic; most of each topic joins.
    by_topic: dict[str, list] = {}
    for text, theme in zip(unthemed, run.comments["emerging_theme"]):
        by_topic.setdefault(text.split()[0], []).append(theme)
    for themes_of_topic in by_topic.values():
        joined = [t for t in themes_of_topic if isinstance(t, str)]
        assert len(set(joined)) == 1 and len(joined) >= 5
    assert len({t for ts in by_topic.values() for t in ts if isinstance(t, str)}) == 3


def test_a_feature_of_one_word_twice_is_shown_as_the_word(taxonomy, unthemed):
    # "from time to time" without its stop words is the feature "time time": a label or term reads
    # as the word, never the word twice.
    choir = ["choir practice time to time", "choir singing time to time", "choir concert time to time",
             "choir rehearsal time to time"]
    texts = unthemed + [choir[i % 4] + (" still" if i >= 4 else "") for i in range(8)]
    themes = ThemePipeline(taxonomy).run(texts).emerging.themes
    assert "time / choir" in themes["label"].tolist()
    for label, terms in zip(themes["label"], themes["terms"]):
        for term in [*label.split(" / "), *terms]:
            assert len(set(term.split())) == len(term.split()), (label, term)


def test_cluster_ids_are_stable_when_the_same_data_is_run_again_in_another_order(taxonomy, unthemed):
    ids = [f"c{i}" for i in range(len(unthemed))]
    first = ThemePipeline(taxonomy).run(unthemed, ids=ids)
    order = np.random.default_rng(5).permutation(len(unthemed))
    second = ThemePipeline(taxonomy).run([unthemed[i] for i in order], ids=[ids[i] for i in order])
    a = first.emerging.members.sort_index()
    b = second.emerging.members.sort_index()
    pd.testing.assert_series_equal(a, b)


def test_a_rerun_on_more_data_keeps_old_ids_for_overlapping_clusters(taxonomy, unthemed):
    finder = EmergingThemeFinder(seed=0)
    pipeline = ThemePipeline(taxonomy, emerging=finder)
    before = pipeline.run(unthemed, ids=[f"c{i}" for i in range(len(unthemed))]).emerging
    more = (
        unthemed
        + [f"printer {w}{' still' if i >= 4 else ''}" for i, w in enumerate(["jammed", "toner empty", "offline",
                                                                              "paper stuck"] * 2)]
        + [f"canteen {w} again" for w in ["cold", "shut", "slow", "dear"]]
    )
    after = (
        ThemePipeline(taxonomy).run(more, ids=[f"c{i}" for i in range(len(more))], previous_emerging=before).emerging
    )
    old_label = dict(zip(before.themes["theme_id"], before.themes["label"]))
    old_terms = dict(zip(before.themes["theme_id"], before.themes["terms"]))
    for row in after.themes.itertuples():
        if row.theme_id in old_label:
            assert old_terms[row.theme_id][0] in row.terms
    # The new topic gets a new id after the old ones; no old id is reused for it.
    printer = after.themes[after.themes["label"].str.contains("printer")]
    assert len(printer) == 1 and printer["theme_id"].iat[0] == "emerging:4"
    assert set(old_label) <= set(after.themes["theme_id"])


def test_mapping_uses_term_similarity_when_runs_share_no_comments(taxonomy, unthemed):
    first = ThemePipeline(taxonomy).run(unthemed, ids=[f"a{i}" for i in range(len(unthemed))]).emerging
    second = ThemePipeline(taxonomy).run(list(reversed(unthemed)), ids=[f"b{i}" for i in range(len(unthemed))]).emerging
    mapping = map_emerging_themes(first, second)
    labels_1 = dict(zip(first.themes["theme_id"], first.themes["label"]))
    labels_2 = dict(zip(second.themes["theme_id"], second.themes["label"]))
    assert len(mapping) == 3
    assert all(labels_2[new] == labels_1[old] for new, old in mapping.items())
    assert carry_over_ids(first, second).themes["label"].tolist() == second.themes["label"].tolist()


def test_a_new_cluster_never_takes_an_id_an_earlier_run_gave(taxonomy, unthemed):
    # The previous run found emerging:1 to 3; an earlier one had found emerging:4 and 5, which the
    # previous run did not find. A cluster new to this run is numbered after every id ever given.
    first = ThemePipeline(taxonomy).run(unthemed, ids=[f"a{i}" for i in range(len(unthemed))]).emerging
    assert first.themes["theme_id"].tolist() == ["emerging:1", "emerging:2", "emerging:3"]
    unmatched = first.renumbered({"emerging:1": "emerging:7", "emerging:2": "emerging:8", "emerging:3": "emerging:9"})
    renamed = carry_over_ids(unmatched, first, taken=["emerging:4", "emerging:5", "staff_choir"], min_overlap=1.1)
    assert renamed.themes["theme_id"].tolist() == ["emerging:10", "emerging:11", "emerging:12"]
    without_previous = ThemePipeline(taxonomy).run(unthemed, ids=[f"a{i}" for i in range(len(unthemed))],
                                                   taken_emerging_ids=["emerging:4", "emerging:5"]).emerging
    assert without_previous.themes["theme_id"].tolist() == ["emerging:6", "emerging:7", "emerging:8"]


def test_a_theme_the_previous_run_did_not_find_gets_its_id_back_when_it_returns(taxonomy, unthemed):
    # Run 1 found three themes; run 2 (the previous run) found only one of them, renamed here to
    # stand for a later id. Run 3 finds all three again: the two run 2 missed take the ids run 1
    # gave them, not new ones, and the one run 2 found keeps run 2's id.
    first = ThemePipeline(taxonomy).run(unthemed, ids=[f"a{i}" for i in range(len(unthemed))]).emerging
    ids = first.themes["theme_id"].tolist()
    assert ids == ["emerging:1", "emerging:2", "emerging:3"]
    previous = first.only(["emerging:2"]).renumbered({"emerging:2": "emerging:5"})
    assert previous.themes["theme_id"].tolist() == ["emerging:5"] and len(previous.centroids) == 1
    assert set(previous.members) == {"emerging:5"}
    third = carry_over_ids(previous, first, earlier=[first.only(["emerging:1", "emerging:3"])])
    assert third.themes["theme_id"].tolist() == ["emerging:1", "emerging:5", "emerging:3"]
    assert third.themes["label"].tolist() == first.themes["label"].tolist()
    # Without the earlier state (as before), the two would have come back under new ids.
    assert carry_over_ids(previous, first).themes["theme_id"].tolist() == ["emerging:6", "emerging:5", "emerging:7"]
    # A theme matched from the earlier state is not matched twice, and a new cluster still gets
    # an id after every id the earlier state holds.
    extra = first.renumbered({"emerging:1": "emerging:20", "emerging:2": "emerging:21", "emerging:3": "emerging:22"})
    fourth = carry_over_ids(previous, extra, earlier=[first.only(["emerging:1"]), first.only(["emerging:1"])])
    assert fourth.themes["theme_id"].tolist() == ["emerging:1", "emerging:5", "emerging:6"]


def test_too_few_unexplained_comments_give_no_emerging_themes(taxonomy):
    run = ThemePipeline(taxonomy).run(["canteen cold", "dog loud", "car broken"])
    assert run.emerging.themes.empty and run.comments["emerging_theme"].isna().all()


# -- sentiment --------------------------------------------------------------------------------
def test_sentiment_uses_vader_from_the_installed_lexicon():
    scores = VaderSentiment().transform(["I was supported and happy", "I was miserable and exhausted", ""])
    assert scores[0] > 0.3 and scores[1] < -0.3 and scores[2] == 0.0


def test_run_gives_sentiment_per_comment(taxonomy):
    run = ThemePipeline(taxonomy).run(["Great team, loved it", "Awful, hated the chaos"])
    assert run.comments["sentiment"].iloc[0] > 0 > run.comments["sentiment"].iloc[1]


def test_parallel_workers_give_the_same_result_as_one_process(taxonomy, unthemed, themed):
    texts = unthemed * 3 + [t for t, _ in themed.values()]
    one = ThemePipeline(taxonomy).run(texts)
    two = ThemePipeline(taxonomy, n_jobs=2, parallel_threshold=10).run(texts)
    pd.testing.assert_frame_equal(one.assignments, two.assignments)
    np.testing.assert_allclose(one.comments["sentiment"], two.comments["sentiment"])


def test_the_embedding_step_is_optional_and_imported_only_when_used(monkeypatch):
    import sys

    from analysis.themes.embeddings import SentenceEmbedder

    embedder = SentenceEmbedder()
    assert "sentence_transformers" not in sys.modules
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # as if not installed
    with pytest.raises(ImportError, match="requirements-embeddings.txt"):
        embedder.transform(["a comment"])


def test_the_embedding_model_is_found_where_its_package_says(tmp_path, monkeypatch):
    # An offline model package keeps its files in a folder of its own and says where through
    # get_model_path(); the package folder itself holds only code.
    from analysis.themes.embeddings import _model_path

    package = tmp_path / "fake_offline_model"
    (package / "model").mkdir(parents=True)
    (package / "__init__.py").write_text(
        "from pathlib import Path\n"
        "def get_model_path():\n    return Path(__file__).resolve().parent / 'model'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _model_path("fake-offline-model") == str(package / "model")
    assert _model_path(str(package / "model")) == str(package / "model")


def test_a_model_package_that_names_no_model_folder_is_refused(tmp_path, monkeypatch):
    from analysis.themes.embeddings import _model_path

    (tmp_path / "code_only_package").mkdir()
    (tmp_path / "code_only_package" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(FileNotFoundError, match="model files"):
        _model_path("code-only-package")


def _seeds_only(taxonomy, text):
    return ThemePipeline(taxonomy).run([text], ids=["s"], sentiment=False).assignments


def test_a_theme_model_never_removes_a_seed_hit_hr_has_not_rejected(taxonomy):
    # HR's codes teach the caseload model a different wording ("visits") and show "caseload" in
    # comments HR filed under pay; the seed hit on a new comment must still stand.
    texts, codes = {}, {}
    for i in range(12):
        texts[f"v{i}"] = f"Far too many home visits every week, {i + 3} a day"
        codes[f"v{i}"] = ["caseload"]
        texts[f"q{i}"] = f"My caseload was fine but the salary was poor, {i + 20}k"
        codes[f"q{i}"] = ["pay"]
    new = "My caseload was far too high"
    assert "caseload" in set(_seeds_only(taxonomy, new)["theme_id"])
    pipeline = ThemePipeline(taxonomy, seed=0).fit(list(texts.values()), ids=list(texts), codes=codes)
    assert "caseload" in pipeline.classifier.theme_ids_
    assigned = pipeline.assign([new], ids=["new"])
    assert ["caseload", "seed"] in assigned[["theme_id", "source"]].values.tolist()


def test_a_theme_model_that_does_no_better_than_the_seeds_out_of_fold_adds_nothing(taxonomy):
    # HR agrees with every seed hit and adds nothing the seeds missed: the model has nothing to add.
    texts = {f"c{i}": f"My caseload was far too high, {i + 20} families" for i in range(15)}
    texts |= {f"o{i}": f"Nothing to add really, thanks {['all', 'team', 'everyone'][i % 3]} {i}" for i in range(15)}
    codes = {key: (["caseload"] if key.startswith("c") else []) for key in texts}
    pipeline = ThemePipeline(taxonomy, seed=0).fit(list(texts.values()), ids=list(texts), codes=codes)
    thresholds = dict(zip(pipeline.classifier.theme_ids_, pipeline.classifier.thresholds_, strict=True))
    assert thresholds["caseload"] == float("inf")
    assigned = pipeline.assign(["families were lovely"], ids=["x"])
    assert "caseload" not in set(assigned["theme_id"])


def test_negations_never_make_a_topic_and_no_topic_is_a_catch_all(taxonomy, unthemed):
    # "No cons" and its kin say nothing a theme could hold; before, they formed their own cluster.
    empty = [f"{lead} {tail}" for lead in ("no cons", "not really", "nothing much", "none at all")
             for tail in ("really", "honestly", "to say", "here")]
    texts = unthemed + empty
    run = ThemePipeline(taxonomy).run(texts, ids=[f"c{i}" for i in range(len(texts))], sentiment=False)
    themes = run.emerging.themes
    assert len(themes) == 3
    words = {w for label in themes["label"] for w in label.replace("/", " ").split()}
    assert words.isdisjoint({"no", "not", "nothing", "none", "cons", "really"})
    assert themes["size"].max() <= 0.4 * len(texts)
    assert all(-1 <= c <= 1 for c in themes["coherence"])
