#!/usr/bin/env python3
"""Score a netwerk-import JSON Lines export of a `scale_eval --write DIR` corpus.

    scale_score.py EXPORT.jsonl DIR/truth.tsv

`truth.tsv` has one line per generated data row: file name, 1-based data row, person. Every
exported person lists its sources as (path, record); the file name of `path` and `record` find
the row's person. Pairwise precision, recall and F1 as in `scale_eval`: predicted pairs are all
pairs inside an exported person, true pairs all pairs of rows of one generated person (a row
the reader rejected counts as missed pairs). Prints one line of tab-separated figures: rows,
exported persons, true pairs, predicted pairs, true positives, precision, recall, F1.
"""
import json
import os
import sys
from collections import Counter


def main():
    export, truth_path = sys.argv[1], sys.argv[2]
    person_of = {}
    truth = Counter()
    with open(truth_path, encoding="utf-8") as f:
        for line in f:
            name, row, person = line.rstrip("\n").split("\t")
            person_of[(name, int(row))] = int(person)
            truth[int(person)] += 1
    true_pairs = sum(n * (n - 1) // 2 for n in truth.values())
    predicted = tp = persons = 0
    with open(export, encoding="utf-8") as f:
        for line in f:
            persons += 1
            sources = json.loads(line)["sources"]
            people = Counter(
                person_of[(os.path.basename(s["path"]), s["record"])] for s in sources
            )
            k = len(sources)
            predicted += k * (k - 1) // 2
            tp += sum(n * (n - 1) // 2 for n in people.values())
    precision = tp / max(predicted, 1)
    recall = tp / max(true_pairs, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-300)
    print(f"{len(person_of)}\t{persons}\t{true_pairs}\t{predicted}\t{tp}\t"
          f"{precision:.4f}\t{recall:.4f}\t{f1:.4f}")


if __name__ == "__main__":
    main()
