# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""Read back what an .rrd file holds, per entity and sim time (checks, tests, summaries)."""

from collections import defaultdict

from franka_hil_viewer.scene import TIMELINE
import numpy as np
import pyarrow as pa
from rerun.chunk import RrdReader


def entity_rows(path):
    """
    Return {entity path: [(sim time ns or None for static rows, {column: value}), ...]}.

    Columns are Rerun's '<Archetype>:<component>' names; rows are in file order.
    """
    rows = defaultdict(list)
    for chunk in RrdReader(path).stream():
        batch = chunk.to_record_batch()
        names = [n for n in batch.schema.names if ':' in n]
        if TIMELINE in batch.schema.names:
            times = batch.column(TIMELINE).cast(pa.int64()).to_pylist()
        else:
            times = [None] * batch.num_rows
        columns = {n: batch.column(n).to_pylist() for n in names}
        for i, time in enumerate(times):
            rows[chunk.entity_path].append((time, {n: columns[n][i] for n in names}))
    return dict(rows)


def image_pixels(row):
    """Return the HxWx3 uint8 array of an Image row (RGB, as the viewer logs it)."""
    fmt = row['Image:format'][0]
    return np.array(row['Image:buffer'][0], dtype=np.uint8).reshape(fmt['height'], fmt['width'], 3)
