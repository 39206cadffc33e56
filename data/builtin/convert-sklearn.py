#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Regenerates the built-in CSVs of data/builtin/ from the copies Debian's python3-sklearn ships
# in sklearn/datasets/data/. Those files start with a line "n_samples,n_features,class names..."
# and have no column names (sklearn adds them in Python); ours are plain CSVs with a header row
# of sklearn's feature names and the class as its name in the last column, so Backprop's own
# CSV loader reads them like any user file. The numbers are copied as they are, byte for byte.
# Not part of the build: run it by hand (python3 convert-sklearn.py) when the sources change.
import csv
import gzip
import io
import os

SRC = "/usr/lib/python3/dist-packages/sklearn/datasets/data"
HERE = os.path.dirname(os.path.abspath(__file__))

IRIS = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]
WINE = ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols",
        "flavanoids", "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue",
        "od280/od315_of_diluted_wines", "proline"]
CANCER_F = ["radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity",
            "concave points", "symmetry", "fractal dimension"]
CANCER = (["mean " + f for f in CANCER_F] + [f + " error" for f in CANCER_F]
          + ["worst " + f for f in CANCER_F])
DIGITS = ["pixel_%d_%d" % (r, c) for r in range(8) for c in range(8)]


def convert(src, dst, names, label, with_counts=True, opener=open):
    with opener(os.path.join(SRC, src), "rt", newline="") as f:
        rows = list(csv.reader(f))
    classes = None
    if with_counts:
        head, rows = rows[0], rows[1:]
        n, d, classes = int(head[0]), int(head[1]), head[2:]
        assert len(rows) == n and d == len(names), (src, n, len(rows), d, len(names))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(names + [label])
    for r in rows:
        assert len(r) == len(names) + 1, (src, r)
        cls = r[-1]
        if classes is not None:
            cls = classes[int(cls)]
        w.writerow(r[:-1] + [cls])
    with open(os.path.join(HERE, dst), "w", newline="") as f:
        f.write(out.getvalue())
    print(dst, len(rows), "rows")


convert("iris.csv", "iris.csv", IRIS, "species")
convert("wine_data.csv", "wine.csv", WINE, "class")
convert("breast_cancer.csv", "breast_cancer.csv", CANCER, "diagnosis")
convert("digits.csv.gz", "digits.csv", DIGITS, "digit", with_counts=False, opener=gzip.open)
