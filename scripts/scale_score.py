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
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from febrl_score import print_scores  # noqa: E402  (the same pair counting)


def main():
    export, truth_path = sys.argv[1], sys.argv[2]
    person_of = {}
    truth = Counter()
    with open(truth_path, encoding="utf-8") as f:
        for line in f:
            name, row, person = line.rstrip("\n").split("\t")
            person_of[(name, int(row))] = int(person)
            truth[int(person)] += 1
    print_scores(export, truth,
                 lambda s: person_of[(os.path.basename(s["path"]), s["record"])])


if __name__ == "__main__":
    main()
