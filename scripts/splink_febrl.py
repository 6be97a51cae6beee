#!/usr/bin/env python3
"""Splink (DuckDB backend) on the FEBRL files, end to end, for the speed comparison in
BENCH-DEDUP.md: read the CSV (without soc_sec_id), estimate u by random sampling, m by EM,
predict, cluster at 0.95, and score pairwise precision/recall/F1 against the rec_id truth.

Usage: scripts/splink_febrl.py target/febrl febrl3|febrl4
Prints one markdown row: data set, seconds, precision, recall, F1, splink version.

The model follows Splink's own FEBRL examples minus the soc_sec_id comparison (our engine does
not get that column either). FEBRL4 is linked A to B (link_only), as in Splink's example.
"""

import sys
import time

t0 = time.perf_counter()

import duckdb  # noqa: E402
import splink  # noqa: E402
import splink.comparison_library as cl  # noqa: E402
from splink import DuckDBAPI, Linker, SettingsCreator, block_on  # noqa: E402

COLUMNS = [
    "rec_id",
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
]


def load(con, path, name):
    cols = ", ".join(f"nullif(trim({c}), '') as {c}" for c in COLUMNS)
    con.execute(
        f"create table {name} as select {cols} "
        f"from read_csv('{path}', all_varchar=true, header=true)"
    )


def main():
    folder, which = sys.argv[1], sys.argv[2]
    con = duckdb.connect()
    db_api = DuckDBAPI(connection=con)
    if which == "febrl3":
        load(con, f"{folder}/dataset3.csv", "a")
        tables = [db_api.register("a")]
        link_type = "dedupe_only"
    else:
        load(con, f"{folder}/dataset4a.csv", "a")
        load(con, f"{folder}/dataset4b.csv", "b")
        tables = [db_api.register("a"), db_api.register("b")]
        link_type = "link_only"

    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type=link_type,
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            block_on("surname", "date_of_birth"),
            block_on("given_name", "date_of_birth"),
            block_on("postcode", "street_number"),
            block_on("postcode", "address_1"),
            block_on("date_of_birth"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
            cl.LevenshteinAtThresholds("postcode", [1]).configure(
                term_frequency_adjustments=True
            ),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(tables, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode")
    )
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.95
    )
    rows = clusters.as_record_list()
    elapsed = time.perf_counter() - t0

    # Pairwise scores (not timed).
    def entity(rec_id):
        return rec_id.split("-")[1]

    by_cluster = {}
    for r in rows:
        by_cluster.setdefault(r["cluster_id"], []).append(entity(r["rec_id"]))
    predicted = tp = 0
    for members in by_cluster.values():
        k = len(members)
        predicted += k * (k - 1) // 2
        counts = {}
        for e in members:
            counts[e] = counts.get(e, 0) + 1
        tp += sum(c * (c - 1) // 2 for c in counts.values())
    truth = {}
    for r in rows:
        e = entity(r["rec_id"])
        truth[e] = truth.get(e, 0) + 1
    true_pairs = sum(c * (c - 1) // 2 for c in truth.values())
    precision = tp / max(predicted, 1)
    recall = tp / max(true_pairs, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-12)
    print(
        f"| splink {splink.__version__} | {which} | {elapsed:.2f} | "
        f"{precision:.4f} | {recall:.4f} | {f1:.4f} |"
    )


if __name__ == "__main__":
    main()
