"""Do two answers for the same frames agree as the validator requires (its chute answer against its CPU rerun)?"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from scoreminer.scoring.elements import Box, iou

MATCH_LINE = 0.95  # mean IoU over frames the validator needs


def _iou(a: Mapping, b: Mapping) -> float:
    return iou(Box(a["x1"], a["y1"], a["x2"], a["y2"], ""), Box(b["x1"], b["y1"], b["x2"], b["y2"], ""))


def frame_agreement(reference: Sequence[Mapping], local: Sequence[Mapping]) -> float:
    """Each reference box takes the best unused local box of its class (greedy, in reference order); the mean of
    those IoUs, an unmatched one counting 0; 1 when both are empty, 0 when only the reference is."""
    if not reference:
        return 1.0 if not local else 0.0
    used: set[int] = set()
    values = []
    for box in reference:
        best, best_iou = None, 0.0
        for k, other in enumerate(local):
            if k in used or other["cls_id"] != box["cls_id"]:
                continue
            overlap = _iou(box, other)
            if overlap > best_iou:
                best, best_iou = k, overlap
        if best is not None:
            used.add(best)
        values.append(best_iou)
    return float(np.mean(values))


def agreement(reference: Mapping[int, Sequence[Mapping]], local: Mapping[int, Sequence[Mapping]]) -> float:
    """The mean frame agreement over the frames both answered."""
    common = sorted(set(reference) & set(local))
    return float(np.mean([frame_agreement(reference[n], local[n]) for n in common])) if common else 0.0
