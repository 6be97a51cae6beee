#!/usr/bin/env python3
"""Score a netwerk-import JSON Lines export of FEBRL data against FEBRL's truth.

    febrl_score.py EXPORT.jsonl FILE.csv [FILE.csv ...]

Every exported person lists its sources as (path, record): `record` is the 1-based data row of
the CSV file, so each source maps back to the row's rec_id (`rec-123-org`, `rec-123-dup-0`:
entity 123; in FEBRL4 the same number in A and B is one entity). The FILE arguments must be
given exactly as the import saw them (same relative paths). Pairwise precision, recall and F1:
predicted pairs are all pairs inside a person, true pairs all pairs of rows of one entity, taken
from every data row (a row the reader rejected counts as missed pairs). Prints one line of
tab-separated figures: rows, persons, true pairs, predicted pairs, true positives, precision,
recall, F1.
"""
import csv
import json
import sys
from collections import Counter


def entity(rec_id):
    return int(rec_id.strip().split("-")[1])


def main():
    export, files = sys.argv[1], sys.argv[2:]
    rec_ids = {}
    truth = Counter()
    for path in files:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f, skipinitialspace=True))
        for i, row in enumerate(rows[1:], start=1):
            rec_ids[(path, i)] = row[0]
            truth[entity(row[0])] += 1
    print_scores(export, truth, lambda s: entity(rec_ids[(s["path"], s["record"])]))


def print_scores(export, truth, entity_of):
    """Pairwise scores of the persons in EXPORT against TRUTH (entity -> rows), where
    ENTITY_OF maps an exported source ({"path", "record", ...}) to its entity. Prints rows,
    persons, true pairs, predicted pairs, true positives, precision, recall, F1."""
    true_pairs = sum(n * (n - 1) // 2 for n in truth.values())
    predicted = tp = persons = 0
    with open(export, encoding="utf-8") as f:
        for line in f:
            persons += 1
            sources = json.loads(line)["sources"]
            ents = Counter(entity_of(s) for s in sources)
            k = len(sources)
            predicted += k * (k - 1) // 2
            tp += sum(n * (n - 1) // 2 for n in ents.values())
    precision = tp / max(predicted, 1)
    recall = tp / max(true_pairs, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-300)
    print(f"{sum(truth.values())}\t{persons}\t{true_pairs}\t{predicted}\t{tp}\t"
          f"{precision:.4f}\t{recall:.4f}\t{f1:.4f}")

if __name__ == "__main__":
    main()
